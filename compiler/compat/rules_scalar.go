package compat

import (
	"encoding/json"

	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/internal/text"
)

// limitKinds are the four kinds of one numeric keyword: added, removed,
// increased, decreased.
type limitKinds [4]kind

// limit compares a numeric keyword such as maxLength. A limit absent on
// both sides, or equal, is no change.
func (d *differ) limit(o, u *snode, kw string, ov, uv json.Number, k limitKinds, path string) {
	switch {
	case ov == "" && uv == "":
	case ov == "":
		d.emit(k[0], subPath(path, kw), u, "/"+kw, nil, uv)
	case uv == "":
		d.emit(k[1], subPath(path, kw), o, "/"+kw, ov, nil)
	default:
		switch c := cmpNumber(uv, ov); {
		case c > 0:
			d.emit(k[2], subPath(path, kw), u, "/"+kw, ov, uv)
		case c < 0:
			d.emit(k[3], subPath(path, kw), u, "/"+kw, ov, uv)
		}
	}
}

// text compares a string keyword such as pattern: added, removed, changed.
func (d *differ) text(o, u *snode, kw string, ov, uv *string, added, removed, changed kind, path string) {
	switch {
	case ov == nil && uv == nil:
	case ov == nil:
		d.emit(added, subPath(path, kw), u, "/"+kw, nil, *uv)
	case uv == nil:
		d.emit(removed, subPath(path, kw), o, "/"+kw, *ov, nil)
	case *ov != *uv:
		d.emit(changed, subPath(path, kw), u, "/"+kw, *ov, *uv)
	}
}

func (d *differ) strings(o, u *snode, path string) {
	d.limit(o, u, "maxLength", o.maxLength, u.maxLength,
		limitKinds{kMaxLengthAdded, kMaxLengthRemoved, kMaxLengthIncreased, kMaxLengthDecreased}, path)
	d.limit(o, u, "minLength", o.minLength, u.minLength,
		limitKinds{kMinLengthAdded, kMinLengthRemoved, kMinLengthIncreased, kMinLengthDecreased}, path)
	d.text(o, u, "pattern", o.pattern, u.pattern, kPatternAdded, kPatternRemoved, kPatternChanged, path)
	d.text(o, u, "format", o.format, u.format, kFormatAdded, kFormatRemoved, kFormatChanged, path)
	d.text(o, u, "contentEncoding", o.encoding, u.encoding,
		kContentEncodingAdded, kContentEncodingRemoved, kContentEncodingChanged, path)
	d.text(o, u, "contentMediaType", o.mediaType, u.mediaType,
		kContentMediaTypeAdded, kContentMediaTypeRemoved, kContentMediaTypeChanged, path)
}

func (d *differ) numbers(o, u *snode, path string) {
	d.bound(o, u, o.lower, u.lower, true, path)
	d.bound(o, u, o.upper, u.upper, false, path)
	switch ov, uv := o.multipleOf, u.multipleOf; {
	case ov == "" && uv == "":
	case ov == "":
		d.emit(kMultipleOfAdded, subPath(path, "multipleOf"), u, "/multipleOf", nil, uv)
	case uv == "":
		d.emit(kMultipleOfRemoved, subPath(path, "multipleOf"), o, "/multipleOf", ov, nil)
	case cmpNumber(ov, uv) == 0:
	case divides(uv, ov):
		d.emit(kMultipleOfReduced, subPath(path, "multipleOf"), u, "/multipleOf", ov, uv)
	case divides(ov, uv):
		d.emit(kMultipleOfExpanded, subPath(path, "multipleOf"), u, "/multipleOf", ov, uv)
	default:
		d.emit(kMultipleOfChanged, subPath(path, "multipleOf"), u, "/multipleOf", ov, uv)
	}
}

// bound compares a lower (minimum) or upper (maximum) limit. The
// inclusive and exclusive forms of one limit are compared as one: moving
// from "exclusiveMinimum": 10 to "minimum": 10 relaxes it.
func (d *differ) bound(o, u *snode, ob, ub bound, lower bool, path string) {
	inclusive, exclusive := "maximum", "exclusiveMaximum"
	kinds := [2]limitKinds{
		{kMaximumAdded, kMaximumRemoved, kMaximumIncreased, kMaximumDecreased},
		{kExclusiveMaximumAdded, kExclusiveMaximumRemoved, kExclusiveMaximumIncreased, kExclusiveMaximumDecreased},
	}
	if lower {
		inclusive, exclusive = "minimum", "exclusiveMinimum"
		kinds = [2]limitKinds{
			{kMinimumAdded, kMinimumRemoved, kMinimumIncreased, kMinimumDecreased},
			{kExclusiveMinimumAdded, kExclusiveMinimumRemoved, kExclusiveMinimumIncreased, kExclusiveMinimumDecreased},
		}
	}
	form := func(b bound) (limitKinds, string) {
		if b.exclusive {
			return kinds[1], exclusive
		}
		return kinds[0], inclusive
	}
	switch {
	case !ob.set && !ub.set:
	case !ob.set:
		k, kw := form(ub)
		d.emit(k[0], subPath(path, kw), u, "/"+boundKeyword(u, kw, inclusive), nil, ub.value)
	case !ub.set:
		k, kw := form(ob)
		d.emit(k[1], subPath(path, kw), o, "/"+boundKeyword(o, kw, inclusive), ob.value, nil)
	default:
		c := cmpNumber(ub.value, ob.value)
		if c == 0 && ob.exclusive == ub.exclusive {
			return
		}
		k, kw := form(ub)
		raised := c > 0 || c == 0 && (lower == ub.exclusive)
		ov, uv := any(ob.value), any(ub.value)
		if raised {
			d.emit(k[2], subPath(path, kw), u, "/"+boundKeyword(u, kw, inclusive), ov, uv)
		} else {
			d.emit(k[3], subPath(path, kw), u, "/"+boundKeyword(u, kw, inclusive), ov, uv)
		}
	}
}

// boundKeyword is the keyword that holds a limit in n's schema object:
// draft-04 keeps an exclusive limit's value in minimum or maximum.
func boundKeyword(n *snode, kw, inclusive string) string {
	if m, ok := n.raw.(map[string]any); ok {
		if _, isBool := m[kw].(bool); isBool {
			return inclusive
		}
	}
	return kw
}

// enums compares enum and const: the set of allowed values.
func (d *differ) enums(o, u *snode, path string) {
	oset, uset := valueSet(o.enumValues), valueSet(u.enumValues)
	var added, removed []any
	for _, v := range u.enumValues {
		if !oset[string(document.Canonical(v))] {
			added = append(added, v)
		}
	}
	for _, v := range o.enumValues {
		if !uset[string(document.Canonical(v))] {
			removed = append(removed, v)
		}
	}
	p := subPath(path, u.enumKeyword)
	switch {
	case len(added) == 0 && len(removed) == 0:
	case len(removed) == 0:
		d.emit(kEnumArrayExtended, p, u, "/"+u.enumKeyword, nil, dedupeValues(added))
	case len(added) == 0:
		d.emit(kEnumArrayNarrowed, p, u, "/"+u.enumKeyword, dedupeValues(removed), nil)
	default:
		d.emit(kEnumArrayChanged, p, u, "/"+u.enumKeyword, dedupeValues(removed), dedupeValues(added))
	}
}

func valueSet(values []any) map[string]bool {
	set := make(map[string]bool, len(values))
	for _, v := range values {
		set[string(document.Canonical(v))] = true
	}
	return set
}

func dedupeValues(values []any) []any {
	seen := map[string]bool{}
	out := values[:0:0]
	for _, v := range values {
		k := string(document.Canonical(v))
		if !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

// scalarKinds are the kinds the string and number rules find, one row each.
var scalarKinds = map[kind]kindInfo{
	kMaxLengthAdded: {name: "MAX_LENGTH_ADDED", policy: breaking, confluent: true,
		summary: "maxLength was added", text: limitAdded("maxLength")},
	kMaxLengthRemoved: {name: "MAX_LENGTH_REMOVED", policy: compatible, confluent: true,
		summary: "maxLength was removed", text: limitRemoved("maxLength")},
	kMaxLengthIncreased: {name: "MAX_LENGTH_INCREASED", policy: compatible, confluent: true,
		summary: "maxLength was raised", text: limitChanged("maxLength", "raised", "")},
	kMaxLengthDecreased: {name: "MAX_LENGTH_DECREASED", policy: breaking, confluent: true,
		summary: "maxLength was lowered", text: limitChanged("maxLength", "lowered", "may exceed it")},
	kMinLengthAdded: {name: "MIN_LENGTH_ADDED", policy: breaking, confluent: true,
		summary: "minLength was added", text: limitAdded("minLength")},
	kMinLengthRemoved: {name: "MIN_LENGTH_REMOVED", policy: compatible, confluent: true,
		summary: "minLength was removed", text: limitRemoved("minLength")},
	kMinLengthIncreased: {name: "MIN_LENGTH_INCREASED", policy: breaking, confluent: true,
		summary: "minLength was raised", text: limitChanged("minLength", "raised", "may fall below it")},
	kMinLengthDecreased: {name: "MIN_LENGTH_DECREASED", policy: compatible, confluent: true,
		summary: "minLength was lowered", text: limitChanged("minLength", "lowered", "")},
	kPatternAdded: {name: "PATTERN_ADDED", policy: breaking, confluent: true,
		summary: "a pattern was added", text: limitAdded("pattern")},
	kPatternRemoved: {name: "PATTERN_REMOVED", policy: compatible, confluent: true,
		summary: "the pattern was removed", text: limitRemoved("pattern")},
	kPatternChanged: {name: "PATTERN_CHANGED", policy: breaking, confluent: true,
		summary: "the pattern changed", text: limitChanged("pattern", "changed", "may not match it")},
	kFormatAdded: {name: "FORMAT_ADDED", policy: breaking,
		summary: "a format was added", text: limitAdded("format")},
	kFormatRemoved: {name: "FORMAT_REMOVED", policy: compatible,
		summary: "the format was removed", text: limitRemoved("format")},
	kFormatChanged: {name: "FORMAT_CHANGED", policy: breaking,
		summary: "the format changed", text: limitChanged("format", "changed", "may not match it")},
	kContentEncodingAdded: {name: "CONTENT_ENCODING_ADDED", policy: breaking,
		summary: "a contentEncoding was added", text: limitAdded("contentEncoding")},
	kContentEncodingRemoved: {name: "CONTENT_ENCODING_REMOVED", policy: compatible,
		summary: "the contentEncoding was removed", text: limitRemoved("contentEncoding")},
	kContentEncodingChanged: {name: "CONTENT_ENCODING_CHANGED", policy: breaking,
		summary: "the contentEncoding changed", text: limitChanged("contentEncoding", "changed", "may not match it")},
	kContentMediaTypeAdded: {name: "CONTENT_MEDIA_TYPE_ADDED", policy: breaking,
		summary: "a contentMediaType was added", text: limitAdded("contentMediaType")},
	kContentMediaTypeRemoved: {name: "CONTENT_MEDIA_TYPE_REMOVED", policy: compatible,
		summary: "the contentMediaType was removed", text: limitRemoved("contentMediaType")},
	kContentMediaTypeChanged: {name: "CONTENT_MEDIA_TYPE_CHANGED", policy: breaking,
		summary: "the contentMediaType changed", text: limitChanged("contentMediaType", "changed", "may not match it")},
	kMaximumAdded: {name: "MAXIMUM_ADDED", policy: breaking, confluent: true,
		summary: "a maximum was added", text: limitAdded("maximum")},
	kMaximumRemoved: {name: "MAXIMUM_REMOVED", policy: compatible, confluent: true,
		summary: "the maximum was removed", text: limitRemoved("maximum")},
	kMaximumIncreased: {name: "MAXIMUM_INCREASED", policy: compatible, confluent: true,
		summary: "the maximum was raised", text: limitChanged("maximum", "raised", "")},
	kMaximumDecreased: {name: "MAXIMUM_DECREASED", policy: breaking, confluent: true,
		summary: "the maximum was lowered", text: limitChanged("maximum", "lowered", "may exceed it")},
	kMinimumAdded: {name: "MINIMUM_ADDED", policy: breaking, confluent: true,
		summary: "a minimum was added", text: limitAdded("minimum")},
	kMinimumRemoved: {name: "MINIMUM_REMOVED", policy: compatible, confluent: true,
		summary: "the minimum was removed", text: limitRemoved("minimum")},
	kMinimumIncreased: {name: "MINIMUM_INCREASED", policy: breaking, confluent: true,
		summary: "the minimum was raised", text: limitChanged("minimum", "raised", "may fall below it")},
	kMinimumDecreased: {name: "MINIMUM_DECREASED", policy: compatible, confluent: true,
		summary: "the minimum was lowered", text: limitChanged("minimum", "lowered", "")},
	kExclusiveMaximumAdded: {name: "EXCLUSIVE_MAXIMUM_ADDED", policy: breaking, confluent: true,
		summary: "an exclusive maximum was added", text: limitAdded("exclusiveMaximum")},
	kExclusiveMaximumRemoved: {name: "EXCLUSIVE_MAXIMUM_REMOVED", policy: compatible, confluent: true,
		summary: "the exclusive maximum was removed", text: limitRemoved("exclusiveMaximum")},
	kExclusiveMaximumIncreased: {name: "EXCLUSIVE_MAXIMUM_INCREASED", policy: compatible, confluent: true,
		summary: "the exclusive maximum was raised", text: limitChanged("exclusiveMaximum", "raised", "")},
	kExclusiveMaximumDecreased: {name: "EXCLUSIVE_MAXIMUM_DECREASED", policy: breaking, confluent: true,
		summary: "the exclusive maximum was lowered", text: limitChanged("exclusiveMaximum", "lowered", "may exceed it")},
	kExclusiveMinimumAdded: {name: "EXCLUSIVE_MINIMUM_ADDED", policy: breaking, confluent: true,
		summary: "an exclusive minimum was added", text: limitAdded("exclusiveMinimum")},
	kExclusiveMinimumRemoved: {name: "EXCLUSIVE_MINIMUM_REMOVED", policy: compatible, confluent: true,
		summary: "the exclusive minimum was removed", text: limitRemoved("exclusiveMinimum")},
	kExclusiveMinimumIncreased: {name: "EXCLUSIVE_MINIMUM_INCREASED", policy: breaking, confluent: true,
		summary: "the exclusive minimum was raised", text: limitChanged("exclusiveMinimum", "raised", "may fall below it")},
	kExclusiveMinimumDecreased: {name: "EXCLUSIVE_MINIMUM_DECREASED", policy: compatible, confluent: true,
		summary: "the exclusive minimum was lowered", text: limitChanged("exclusiveMinimum", "lowered", "")},
	kMultipleOfAdded: {name: "MULTIPLE_OF_ADDED", policy: breaking, confluent: true,
		summary: "a multipleOf was added", text: limitAdded("multipleOf")},
	kMultipleOfRemoved: {name: "MULTIPLE_OF_REMOVED", policy: compatible, confluent: true,
		summary: "the multipleOf was removed", text: limitRemoved("multipleOf")},
	kMultipleOfExpanded: {name: "MULTIPLE_OF_EXPANDED", policy: breaking, confluent: true,
		summary: "multipleOf grew to a multiple of itself",
		text: func(f finding, data string) string {
			return "multipleOf changed from " + show(f.old) + " to " + show(f.new) + "; " + data + " may not be a multiple of it"
		}},
	kMultipleOfReduced: {name: "MULTIPLE_OF_REDUCED", policy: compatible, confluent: true,
		summary: "multipleOf shrank to a divisor of itself",
		text: func(f finding, data string) string {
			return "multipleOf changed from " + show(f.old) + " to " + show(f.new) + "; every multiple of the old one still is one"
		}},
	kMultipleOfChanged: {name: "MULTIPLE_OF_CHANGED", policy: breaking, confluent: true,
		summary: "multipleOf changed", text: limitChanged("multipleOf", "changed", "may not match it")},
	kEnumArrayExtended: {name: "ENUM_ARRAY_EXTENDED", policy: compatible, confluent: true,
		summary: "enum values were added",
		text: func(f finding, data string) string {
			return text.Plural(count(f.new), "enum value ", "enum values ") + show(f.new) + " added"
		}},
	kEnumArrayNarrowed: {name: "ENUM_ARRAY_NARROWED", policy: breaking, confluent: true,
		summary: "enum values were removed",
		text: func(f finding, data string) string {
			return text.Plural(count(f.old), "enum value ", "enum values ") + show(f.old) + " removed; " + data +
				" may hold " + text.Plural(count(f.old), "it", "them")
		}},
	kEnumArrayChanged: {name: "ENUM_ARRAY_CHANGED", policy: breaking, confluent: true,
		summary: "enum values were replaced",
		text: func(f finding, data string) string {
			return "enum values " + show(f.old) + " replaced by " + show(f.new) + "; " + data + " may hold the old ones"
		}},
}
