package compiler

import "testing"

// TestCombinedKinds runs the golden case of every kind in combinedKinds:
// testdata/breaking/<kind>/ holds the previous and current schema and the
// findings wanted.
func TestCombinedKinds(t *testing.T) { testKinds(t, combinedKinds) }
