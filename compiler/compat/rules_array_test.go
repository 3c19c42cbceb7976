package compat_test

import "testing"

// TestArrayKinds runs the golden case of every kind of the array family:
// testdata/breaking/<kind>/ holds the previous and current schema and the
// findings wanted.
func TestArrayKinds(t *testing.T) { testKinds(t, "array") }
