// Package document parses schema files: a JSON Schema with the registry
// fields id, version, schema, compatibility and arrow at its root.
//
//	d, err := document.ParseDocument("schemas/ticks_v1.json", data)
//	// d.ID, d.Version, d.Compatibility, d.Canonical, d.Digest; err is a *Problem
//
// It holds the JSON parser (positions, depth and number limits), the
// canonical encoding and digest, JSON pointers and line lookup, the
// compatibility Mode a document sets and its arrow block.
//
// It imports semver and internal/bundle (digests and ids) only: it is a
// leaf every other layer of the compiler may import.
package document
