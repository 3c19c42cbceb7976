package compat_test

import "flag"

// update rewrites golden files instead of comparing with them:
// go test ./compiler/compat -update.
var update = flag.Bool("update", false, "rewrite the golden files under testdata")
