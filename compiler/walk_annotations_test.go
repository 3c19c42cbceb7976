package compiler

import "testing"

// TestAnnotationKinds runs the golden case of every kind in annotationKinds:
// testdata/breaking/<kind>/ holds the previous and current schema and the
// findings wanted.
func TestAnnotationKinds(t *testing.T) { testKinds(t, annotationKinds) }
