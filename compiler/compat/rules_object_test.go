package compat_test

import "testing"

// TestObjectKinds runs the golden case of every kind of the object family:
// testdata/breaking/<kind>/ holds the previous and current schema and the
// findings wanted.
func TestObjectKinds(t *testing.T) { testKinds(t, "object") }
