// Package expectations derives a Great Expectations suite from a schema
// version: the checks a table whose rows the schema describes must pass,
// one column per top-level property. It reads the compiler's Document only;
// the server answers it at GET /schema/{id}/{version}/expectations and
// "schemareg export --format great-expectations" writes it.
//
//	d, err := document.ParseDocument("ticks_v1.json", data)
//	suite, err := expectations.FromDocument(d)
//	out, err := expectations.Encode(suite)
//
// Each expectation's meta names the JSON Schema keyword and pointer it comes
// from. A keyword no expectation stands for (format, multipleOf, nested
// objects, $ref, ...) is listed in the suite's meta.unmapped_keywords, never
// dropped silently; annotations (title, description, examples, ...) and
// the registry's own fields are not constraints and are left out.
package expectations
