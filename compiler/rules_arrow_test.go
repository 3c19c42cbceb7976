package compiler

import "testing"

// TestArrowKinds runs the golden case of every kind in arrowKinds:
// testdata/breaking/<kind>/ holds the previous and current schema and the
// findings wanted.
func TestArrowKinds(t *testing.T) { testKinds(t, arrowKinds) }
