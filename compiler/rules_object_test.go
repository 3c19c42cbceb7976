package compiler

import "testing"

// TestObjectKinds runs the golden case of every kind in objectKinds:
// testdata/breaking/<kind>/ holds the previous and current schema and the
// findings wanted.
func TestObjectKinds(t *testing.T) { testKinds(t, objectKinds) }
