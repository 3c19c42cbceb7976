package compiler

import "testing"

// TestScalarKinds runs the golden case of every kind in scalarKinds:
// testdata/breaking/<kind>/ holds the previous and current schema and the
// findings wanted.
func TestScalarKinds(t *testing.T) { testKinds(t, scalarKinds) }
