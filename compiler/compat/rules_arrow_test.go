package compat_test

import "testing"

// TestArrowKinds runs the golden case of every kind of the arrow family:
// testdata/breaking/<kind>/ holds the previous and current schema and the
// findings wanted.
func TestArrowKinds(t *testing.T) { testKinds(t, "arrow") }
