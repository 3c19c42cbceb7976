// Package fastrow certifies rows of data valid against a compiled JSON
// Schema without decoding them, so that the common case of an NDJSON batch,
// a valid row, costs a scan of its bytes and no allocation.
//
// A Checker answers one question, and only in one direction: Valid(row)
// is true when row is certainly one well-formed JSON document that the
// registry's strict parser accepts (no duplicate keys, valid UTF-8, at most
// 256 levels of nesting, numbers within its limits, nothing after the
// value) and that jsonschema's Schema.Validate finds valid. False means
// "don't know": the caller parses and validates the row the full way, which
// also produces the error messages.
//
//	chk, ok := fastrow.Compile(schema, fastrow.Limits{MaxValues: n, MaxStringBytes: b})
//	for _, row := range rows {
//		if ok && chk.Valid(row) {
//			continue // valid
//		}
//		data, err := compiler.ParseData(row) // the full path
//		...
//	}
//
// Compile supports a common subset of JSON Schema and refuses (ok=false)
// any schema that uses something else: boolean schemas, type (one or a
// list), properties, required, additionalProperties (a boolean or a
// schema), min/maxProperties, enum and const of scalars, minimum, maximum
// and their exclusive forms, multipleOf when it is an integer, minLength
// and maxLength (in code points), pattern, format (through the schema's own
// Format.Validate), items as one schema, min/maxItems, uniqueItems, and a
// $ref to a schema it supports. Annotations are ignored.
//
// Anything unusual in a row makes Valid answer false rather than guess:
// strings with escapes, numbers whose comparison with a bound a float64
// cannot decide with certainty, an "integer" written with a fraction or an
// exponent, a uniqueItems array holding numbers, objects or arrays, more
// keys in open objects than a Checker tracks, rows at or over the Limits.
//
// A Checker is immutable and safe for concurrent use. Valid allocates
// nothing of its own; a string checked against a format costs one
// allocation, its conversion to the any that Format.Validate takes, plus
// what the format's code allocates (jsonschema's date-time check: one).
// Strings are handed to patterns and formats as views of the row's bytes:
// neither may keep them after the call.
package fastrow
