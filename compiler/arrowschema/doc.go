// Package arrowschema derives the Arrow schema of a schema document: the
// fields its arrow block types, then a default mapping of its other
// top-level properties, as an arrow.Schema or as IPC bytes.
//
//	s, err := arrowschema.Schema(d, reg)
//	ipc, err := arrowschema.IPC(d, reg)
//
// Check tells whether a document's arrow block fits the JSON types of the
// properties it names. References to other documents resolve through a
// Resolver, such as *validate.Registry.
//
// It imports document only; validate and compiler import it.
package arrowschema
