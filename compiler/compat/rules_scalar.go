package compat

import (
	"encoding/json"

	"github.com/schemareg/schemareg/compiler/document"
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
