package compat

import "github.com/schemareg/schemareg/compiler/document"

// annotationKinds maps the annotation keywords to their kinds. Confluent
// reports title, description, default and $id changes at the schema's own
// path; the rest are schemareg's and follow the same rule.
func annotationKind(k string) (kind, bool) {
	switch k {
	case "title":
		return kTitleChanged, true
	case "description":
		return kDescriptionChanged, true
	case "default":
		return kDefaultChanged, true
	case "$id":
		return kIDChanged, true
	case "examples":
		return kExamplesChanged, true
	case "$comment":
		return kCommentChanged, true
	case "deprecated":
		return kDeprecatedChanged, true
	case "readOnly":
		return kReadOnlyChanged, true
	case "writeOnly":
		return kWriteOnlyChanged, true
	}
	return 0, false
}

// isSchemaKeyword reports whether the diff handles k as a JSON Schema
// keyword (or deliberately skips it, as definitions are compared only
// through the $refs that use them).
func isSchemaKeyword(k string) bool {
	switch k {
	case "$schema", "$ref", "$defs", "definitions", "$anchor", "$dynamicAnchor", "$dynamicRef",
		"$recursiveRef", "$recursiveAnchor", "$vocabulary",
		"type", "enum", "const", "allOf", "anyOf", "oneOf", "not", "if", "then", "else":
		return true
	}
	for _, group := range [...][]string{stringKeywords[:], numberKeywords[:], objectKeywords[:], arrayKeywords[:]} {
		for _, g := range group {
			if g == k {
				return true
			}
		}
	}
	return false
}

// isRegistryField reports whether k, at a document's root, is one of the
// registry's own fields: never a schema change.
func isRegistryField(k string) bool {
	switch k {
	case document.FieldID, document.FieldVersion, document.FieldSchema, document.FieldCompatibility, document.FieldArrow, "$schema":
		return true
	}
	return false
}

// annotations compares the annotation keywords of two schema objects, and
// any keyword validators ignore.
func (d *differ) annotations(o, u *snode, path string) {
	om, _ := o.raw.(map[string]any)
	um, _ := u.raw.(map[string]any)
	if len(om) == 0 && len(um) == 0 {
		return
	}
	visit := func(k string) {
		if (o.ptr == "" || u.ptr == "") && isRegistryField(k) {
			return
		}
		ov, inO := om[k]
		uv, inU := um[k]
		if inO == inU && jsonEqual(ov, uv) {
			return
		}
		var before, after any
		if inO {
			before = ov
		}
		if inU {
			after = uv
		}
		if ak, ok := annotationKind(k); ok {
			if inU {
				d.emit(ak, path, u, "/"+document.EscapePointer(k), before, after)
			} else {
				d.emit(ak, path, o, "/"+document.EscapePointer(k), before, after)
			}
			return
		}
		if isSchemaKeyword(k) {
			return
		}
		if inU {
			d.emit(kKeywordChanged, subPath(path, k), u, "/"+document.EscapePointer(k), before, after)
		} else {
			d.emit(kKeywordChanged, subPath(path, k), o, "/"+document.EscapePointer(k), before, after)
		}
	}
	for _, k := range sortedKeys(om) {
		visit(k)
	}
	for _, k := range sortedKeys(um) {
		if _, inO := om[k]; !inO {
			visit(k)
		}
	}
}

// annotationKinds are the kinds of annotation changes, which no validator sees, one row each.
var annotationKinds = map[kind]kindInfo{
	kIDChanged: {name: "ID_CHANGED", policy: compatible, annotation: true, confluent: true,
		summary: "the schema's $id changed", text: annotationText("$id", true)},
	kDescriptionChanged: {name: "DESCRIPTION_CHANGED", policy: compatible, annotation: true, confluent: true,
		summary: "a description changed", text: annotationText("description", false)},
	kTitleChanged: {name: "TITLE_CHANGED", policy: compatible, annotation: true, confluent: true,
		summary: "a title changed", text: annotationText("title", true)},
	kDefaultChanged: {name: "DEFAULT_CHANGED", policy: compatible, annotation: true, confluent: true,
		summary: "a default value changed", text: annotationText("default", true)},
	kExamplesChanged: {name: "EXAMPLES_CHANGED", policy: compatible, annotation: true,
		summary: "the examples changed", text: annotationText("examples", true)},
	kCommentChanged: {name: "COMMENT_CHANGED", policy: compatible, annotation: true,
		summary: "a $comment changed", text: annotationText("$comment", false)},
	kDeprecatedChanged: {name: "DEPRECATED_CHANGED", policy: compatible, annotation: true,
		summary: "the deprecated flag changed", text: annotationText("deprecated", true)},
	kReadOnlyChanged: {name: "READ_ONLY_CHANGED", policy: compatible, annotation: true,
		summary: "the readOnly flag changed", text: annotationText("readOnly", true)},
	kWriteOnlyChanged: {name: "WRITE_ONLY_CHANGED", policy: compatible, annotation: true,
		summary: "the writeOnly flag changed", text: annotationText("writeOnly", true)},
	kKeywordChanged: {name: "KEYWORD_CHANGED", policy: compatible, annotation: true,
		summary: "a keyword that validators ignore changed",
		text: func(f finding, data string) string {
			return "keyword changed from " + show(f.old) + " to " + show(f.new) + "; validators ignore it"
		}},
}
