// Package validate compiles schema documents as one registry and validates
// data against them. A Registry holds the documents that may refer to each
// other by id or $id, never loads anything from outside, and compiles a
// document into a Validator after its meta-validation, its references and
// its cost limits pass; CheckTree checks a folder of files as one registry.
//
//	reg := validate.NewRegistry(docs...)
//	v, err := reg.Compile(d)          // err is a *document.Problem
//	errs := v.Validate(data)
//
// Check answers as Compile does where only the answer matters; most
// documents it checks in one walk.
//
// It also finds a document's dependencies and pins, and builds its bundled
// (self-contained) form.
//
// It imports document and arrowschema; compat and compiler import it.
package validate
