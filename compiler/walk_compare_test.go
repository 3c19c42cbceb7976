package compiler

import "testing"

// TestSchemaKinds runs the golden case of every kind in schemaKinds:
// testdata/breaking/<kind>/ holds the previous and current schema and the
// findings wanted.
func TestSchemaKinds(t *testing.T) { testKinds(t, schemaKinds) }
