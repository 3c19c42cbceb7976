package compat_test

import "testing"

// TestScalarKinds runs the golden case of every kind of the scalar family:
// testdata/breaking/<kind>/ holds the previous and current schema and the
// findings wanted.
func TestScalarKinds(t *testing.T) { testKinds(t, "scalar") }
