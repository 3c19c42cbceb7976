package compat_test

import "testing"

// TestAnnotationKinds runs the golden case of every kind of the annotation family:
// testdata/breaking/<kind>/ holds the previous and current schema and the
// findings wanted.
func TestAnnotationKinds(t *testing.T) { testKinds(t, "annotation") }
