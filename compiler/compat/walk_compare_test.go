package compat_test

import "testing"

// TestSchemaKinds runs the golden case of every kind of the schema family:
// testdata/breaking/<kind>/ holds the previous and current schema and the
// findings wanted.
func TestSchemaKinds(t *testing.T) { testKinds(t, "schema") }
