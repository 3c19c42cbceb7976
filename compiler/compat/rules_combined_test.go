package compat_test

import "testing"

// TestCombinedKinds runs the golden case of every kind of the combined family:
// testdata/breaking/<kind>/ holds the previous and current schema and the
// findings wanted.
func TestCombinedKinds(t *testing.T) { testKinds(t, "combined") }
