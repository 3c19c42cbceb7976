package compiler

import "testing"

// TestArrayKinds runs the golden case of every kind in arrayKinds:
// testdata/breaking/<kind>/ holds the previous and current schema and the
// findings wanted.
func TestArrayKinds(t *testing.T) { testKinds(t, arrayKinds) }
