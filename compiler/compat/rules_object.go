package compat

import "github.com/schemareg/schemareg/compiler/document"

// The content model of an object or array: what it says of the properties
// (or tuple positions) it does not declare.
type modelState uint8

const (
	modelOpen    modelState = iota // anything goes
	modelClosed                    // nothing goes
	modelPartial                   // values must match a schema
)

type contentModel struct {
	state  modelState
	schema *snode // for modelPartial
}

func modelOf(n *snode) contentModel {
	switch {
	case n == nil || n.kind == nTrue:
		return contentModel{state: modelOpen}
	case n.kind == nFalse:
		return contentModel{state: modelClosed}
	}
	return contentModel{state: modelPartial, schema: n}
}

// additionalOf is the schema undeclared properties of n must match:
// additionalProperties, else unevaluatedProperties.
func additionalOf(n *snode) *snode {
	if n.additional != nil {
		return n.additional
	}
	return n.unevalProps
}

// propertyModel is what n says of a property it does not declare:
// the first patternProperties entry matching the name, else the
// additional properties.
func (d *differ) propertyModel(n *snode, name string) contentModel {
	for _, p := range n.patOrder {
		if re := d.regexp(p); re != nil && re.MatchString(name) {
			return modelOf(n.patterns[p])
		}
	}
	return modelOf(additionalOf(n))
}

func (d *differ) objects(o, u *snode, path string, depth int, conj bool) {
	d.openness(o, u, o.additional, u.additional, "additionalProperties", path, depth, conj, [4]kind{
		kAdditionalPropertiesAdded, kAdditionalPropertiesRemoved, kAdditionalPropertiesExtended, kAdditionalPropertiesNarrowed})
	d.openness(o, u, o.unevalProps, u.unevalProps, "unevaluatedProperties", path, depth, conj, [4]kind{
		kUnevaluatedPropertiesAdded, kUnevaluatedPropertiesRemoved, kUnevaluatedPropertiesExtended, kUnevaluatedPropertiesNarrowed})
	d.requiredNames(o, u, path)
	d.properties(o, u, path, depth, conj)
	d.patternProperties(o, u, path, depth, conj)
	d.dependencies(o, u, path, depth)
	d.optional(o.propNames, u.propNames, subPath(path, "propertyNames"), kSchemaAdded, kSchemaRemoved, depth, conj)
	d.limit(o, u, "maxProperties", o.maxProps, u.maxProps,
		limitKinds{kMaxPropertiesAdded, kMaxPropertiesRemoved, kMaxPropertiesIncreased, kMaxPropertiesDecreased}, path)
	d.limit(o, u, "minProperties", o.minProps, u.minProps,
		limitKinds{kMinPropertiesAdded, kMinPropertiesRemoved, kMinPropertiesIncreased, kMinPropertiesDecreased}, path)
}

// openness compares additionalProperties, unevaluatedProperties,
// additionalItems or unevaluatedItems. k: added (closed → open), removed
// (open → closed), extended (schema → open), narrowed (open → schema).
func (d *differ) openness(o, u *snode, os, us *snode, kw, path string, depth int, conj bool, k [4]kind) {
	om, um := modelOf(os), modelOf(us)
	p := subPath(path, kw)
	switch {
	case om.state == um.state && om.state == modelPartial:
		d.compare(os, us, p, depth+1, conj)
	case om.state == um.state:
	case om.state == modelClosed:
		d.emit(k[0], p, at(us, u), "", nil, nil)
	case um.state == modelClosed:
		d.emit(k[1], p, at(us, u), "", nil, nil)
	case um.state == modelOpen:
		d.emit(k[2], p, at(os, o), "", nil, nil)
	default:
		d.emit(k[3], p, at(us, u), "", nil, nil)
	}
}

// at picks the node a change is located at: the keyword's schema when
// present, else the object holding it.
func at(n, parent *snode) *snode {
	if n != nil {
		return n
	}
	return parent
}

// requiredNames compares the required lists. A name that only becomes
// required together with its new property is reported with the property.
func (d *differ) requiredNames(o, u *snode, path string) {
	for _, name := range u.reqOrder {
		if o.required[name] {
			continue
		}
		if _, isNew := u.props[name]; isNew && o.props[name] == nil {
			continue
		}
		k := kRequiredAttributeAdded
		if hasDefault(u.props[name]) {
			k = kRequiredAttributeWithDefaultAdded
		}
		d.emit(k, subPath(path, "required", name), u, "/required", nil, name)
	}
	for _, name := range o.reqOrder {
		if !u.required[name] {
			d.emit(kRequiredAttributeRemoved, subPath(path, "required", name), o, "/required", name, nil)
		}
	}
}

func hasDefault(n *snode) bool {
	if n == nil {
		return false
	}
	m, ok := n.raw.(map[string]any)
	if !ok {
		return false
	}
	_, has := m["default"]
	return has
}

func (d *differ) properties(o, u *snode, path string, depth int, conj bool) {
	for _, name := range mergeKeys(o.propOrder, u.propOrder) {
		op, up := o.props[name], u.props[name]
		p := subPath(path, "properties", name)
		switch {
		case op != nil && up != nil:
			d.compare(op, up, p, depth+1, conj)
		case up != nil:
			d.propertyAdded(o, u, name, up, p, depth, conj)
		default:
			d.propertyRemoved(o, u, name, op, p, depth, conj)
		}
	}
}

func (d *differ) propertyAdded(o, u *snode, name string, up *snode, p string, depth int, conj bool) {
	required := u.required[name] && !o.required[name]
	m := d.propertyModel(o, name)
	if m.state == modelOpen {
		switch {
		case required && hasDefault(up):
			d.emit(kRequiredPropertyWithDefaultAddedToOpenContentModel, p, up, "", nil, name)
		case required:
			d.emit(kRequiredPropertyAddedToOpenContentModel, p, up, "", nil, name)
		case up.kind == nTrue:
			d.emit(kPropertyWithEmptySchemaAddedToOpenContentModel, p, up, "", nil, name)
		default:
			d.emit(kOptionalPropertyAddedToOpenContentModel, p, up, "", nil, name)
		}
		return
	}
	if m.state == modelPartial {
		fs := d.trial(func() { d.compare(m.schema, up, p, depth+1, conj) })
		d.out = append(d.out, fs...)
		if d.compatibleAll(fs) {
			d.emit(kPropertyAddedIsCoveredByPartiallyOpenContentModel, p, up, "", nil, name)
		} else {
			d.emit(kPropertyAddedNotCoveredByPartiallyOpenContentModel, p, up, "", nil, name)
		}
	}
	switch {
	case required && hasDefault(up):
		d.emit(kRequiredPropertyWithDefaultAddedToUnopenContentModel, p, up, "", nil, name)
	case required:
		d.emit(kRequiredPropertyAddedToUnopenContentModel, p, up, "", nil, name)
	default:
		d.emit(kOptionalPropertyAddedToUnopenContentModel, p, up, "", nil, name)
	}
}

func (d *differ) propertyRemoved(o, u *snode, name string, op *snode, p string, depth int, conj bool) {
	switch m := d.propertyModel(u, name); m.state {
	case modelOpen:
		d.emit(kPropertyRemovedFromOpenContentModel, p, op, "", name, nil)
	case modelClosed:
		if op.kind == nFalse {
			d.emit(kPropertyWithFalseRemovedFromClosedContentModel, p, op, "", name, nil)
		} else {
			d.emit(kPropertyRemovedFromClosedContentModel, p, op, "", name, nil)
		}
	default:
		fs := d.trial(func() { d.compare(op, m.schema, p, depth+1, conj) })
		d.out = append(d.out, fs...)
		if d.compatibleAll(fs) {
			d.emit(kPropertyRemovedIsCoveredByPartiallyOpenContentModel, p, op, "", name, nil)
		} else {
			d.emit(kPropertyRemovedNotCoveredByPartiallyOpenContentModel, p, op, "", name, nil)
		}
	}
}

func (d *differ) patternProperties(o, u *snode, path string, depth int, conj bool) {
	for _, pat := range mergeKeys(o.patOrder, u.patOrder) {
		op, up := o.patterns[pat], u.patterns[pat]
		p := subPath(path, "patternProperties", pat)
		switch {
		case op != nil && up != nil:
			d.compare(op, up, p, depth+1, conj)
		case up != nil:
			m := modelOf(additionalOf(o))
			switch {
			case m.state == modelOpen && d.deref(up).kind == nTrue:
				// {} or true in an open object constrains nothing.
			case m.state == modelOpen:
				d.emit(kPatternPropertyAddedToOpenContentModel, p, up, "", nil, pat)
			case m.state == modelPartial:
				d.compare(m.schema, up, p, depth+1, conj)
				fallthrough
			default:
				d.emit(kPatternPropertyAddedToUnopenContentModel, p, up, "", nil, pat)
			}
		default:
			m := modelOf(additionalOf(u))
			switch {
			case m.state == modelOpen && d.deref(op).kind == nTrue:
			case m.state == modelOpen:
				d.emit(kPatternPropertyRemovedFromOpenContentModel, p, op, "", pat, nil)
			case m.state == modelClosed:
				d.emit(kPatternPropertyRemovedFromClosedContentModel, p, op, "", pat, nil)
			default:
				d.compare(op, m.schema, p, depth+1, conj)
				d.emit(kPatternPropertyRemovedFromPartiallyOpenContentModel, p, op, "", pat, nil)
			}
		}
	}
}

// dependencies compares dependencies, dependentRequired and
// dependentSchemas; Confluent reports all three under #/dependencies.
func (d *differ) dependencies(o, u *snode, path string, depth int) {
	for _, name := range mergeKeys(o.depOrder, u.depOrder) {
		p := subPath(path, "dependencies", name)
		oa, oIsArr := o.depArrays[name]
		ua, uIsArr := u.depArrays[name]
		os, us := o.depSchemas[name], u.depSchemas[name]
		uSuffix := "/" + u.depKeyword[name] + "/" + document.EscapePointer(name)
		oSuffix := "/" + o.depKeyword[name] + "/" + document.EscapePointer(name)
		switch {
		case oIsArr && uIsArr:
			d.dependencyArray(o, u, oa, ua, p, uSuffix)
		case oIsArr:
			d.emit(kDependencyArrayRemoved, p, o, oSuffix, oa, nil)
		case uIsArr:
			d.emit(kDependencyArrayAdded, p, u, uSuffix, nil, ua)
		}
		switch {
		case os != nil && us != nil:
			d.compare(os, us, p, depth+1, true)
		case os != nil:
			d.emit(kDependencySchemaRemoved, p, o, oSuffix, nil, nil)
		case us != nil:
			d.emit(kDependencySchemaAdded, p, u, uSuffix, nil, nil)
		}
	}
}

func (d *differ) dependencyArray(o, u *snode, oa, ua []string, p, suffix string) {
	oset, uset := map[string]bool{}, map[string]bool{}
	for _, s := range oa {
		oset[s] = true
	}
	for _, s := range ua {
		uset[s] = true
	}
	var added, removed []string
	for _, s := range ua {
		if !oset[s] {
			added = append(added, s)
		}
	}
	for _, s := range oa {
		if !uset[s] {
			removed = append(removed, s)
		}
	}
	switch {
	case len(added) == 0 && len(removed) == 0:
	case len(removed) == 0:
		d.emit(kDependencyArrayExtended, p, u, suffix, nil, added)
	case len(added) == 0:
		d.emit(kDependencyArrayNarrowed, p, u, suffix, removed, nil)
	default:
		d.emit(kDependencyArrayChanged, p, u, suffix, removed, added)
	}
}

// mergeKeys returns the sorted union of two sorted key lists.
func mergeKeys(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

// objectKinds are the kinds the object rules find, one row each.
var objectKinds = map[kind]kindInfo{
	kRequiredAttributeAdded: {name: "REQUIRED_ATTRIBUTE_ADDED", policy: breaking, confluent: true,
		summary: "a property became required",
		text: func(f finding, data string) string {
			return "now required; " + data + " may lack it"
		}},
	kRequiredAttributeWithDefaultAdded: {name: "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED", policy: compatible, confluent: true,
		summary: "a property with a default became required",
		text: func(f finding, data string) string {
			return "now required, with a default for data that lacks it"
		}},
	kRequiredAttributeRemoved: {name: "REQUIRED_ATTRIBUTE_REMOVED", policy: compatible, confluent: true,
		summary: "a property is no longer required",
		text: func(f finding, data string) string {
			return "no longer required"
		}},
	kMaxPropertiesAdded: {name: "MAX_PROPERTIES_ADDED", policy: breaking, confluent: true,
		summary: "maxProperties was added", text: limitAdded("maxProperties")},
	kMaxPropertiesRemoved: {name: "MAX_PROPERTIES_REMOVED", policy: compatible, confluent: true,
		summary: "maxProperties was removed", text: limitRemoved("maxProperties")},
	kMaxPropertiesIncreased: {name: "MAX_PROPERTIES_INCREASED", policy: compatible, confluent: true,
		summary: "maxProperties was raised", text: limitChanged("maxProperties", "raised", "")},
	kMaxPropertiesDecreased: {name: "MAX_PROPERTIES_DECREASED", policy: breaking, confluent: true,
		summary: "maxProperties was lowered", text: limitChanged("maxProperties", "lowered", "may exceed it")},
	kMinPropertiesAdded: {name: "MIN_PROPERTIES_ADDED", policy: breaking, confluent: true,
		summary: "minProperties was added", text: limitAdded("minProperties")},
	kMinPropertiesRemoved: {name: "MIN_PROPERTIES_REMOVED", policy: compatible, confluent: true,
		summary: "minProperties was removed", text: limitRemoved("minProperties")},
	kMinPropertiesIncreased: {name: "MIN_PROPERTIES_INCREASED", policy: breaking, confluent: true,
		summary: "minProperties was raised", text: limitChanged("minProperties", "raised", "may fall below it")},
	kMinPropertiesDecreased: {name: "MIN_PROPERTIES_DECREASED", policy: compatible, confluent: true,
		summary: "minProperties was lowered", text: limitChanged("minProperties", "lowered", "")},
	kAdditionalPropertiesAdded: {name: "ADDITIONAL_PROPERTIES_ADDED", policy: compatible, confluent: true,
		summary: "undeclared properties are now allowed",
		text: func(f finding, data string) string {
			return "undeclared properties are now allowed"
		}},
	kAdditionalPropertiesRemoved: {name: "ADDITIONAL_PROPERTIES_REMOVED", policy: breaksStrict, confluent: true,
		summary: "undeclared properties are no longer allowed",
		text: func(f finding, data string) string {
			return "undeclared properties are no longer allowed; " + data + " that holds any is rejected (LENIENT assumes it holds none)"
		}},
	kAdditionalPropertiesExtended: {name: "ADDITIONAL_PROPERTIES_EXTENDED", policy: compatible, confluent: true,
		summary: "undeclared properties may now hold any value",
		text: func(f finding, data string) string {
			return "undeclared properties may now hold any value"
		}},
	kAdditionalPropertiesNarrowed: {name: "ADDITIONAL_PROPERTIES_NARROWED", policy: breaksStrict, confluent: true,
		summary: "undeclared properties must now match a schema",
		text: func(f finding, data string) string {
			return "undeclared properties must now match a schema; " + data + " may hold others (LENIENT assumes it holds none)"
		}},
	kUnevaluatedPropertiesAdded: {name: "UNEVALUATED_PROPERTIES_ADDED", policy: compatible, confluent: true,
		summary: "unevaluated properties are now allowed",
		text: func(f finding, data string) string {
			return "undeclared properties are now allowed"
		}},
	kUnevaluatedPropertiesRemoved: {name: "UNEVALUATED_PROPERTIES_REMOVED", policy: breaksStrict, confluent: true,
		summary: "unevaluated properties are no longer allowed",
		text: func(f finding, data string) string {
			return "undeclared properties are no longer allowed; " + data + " that holds any is rejected (LENIENT assumes it holds none)"
		}},
	kUnevaluatedPropertiesExtended: {name: "UNEVALUATED_PROPERTIES_EXTENDED", policy: compatible, confluent: true,
		summary: "unevaluated properties may now hold any value",
		text: func(f finding, data string) string {
			return "undeclared properties may now hold any value"
		}},
	kUnevaluatedPropertiesNarrowed: {name: "UNEVALUATED_PROPERTIES_NARROWED", policy: breaksStrict, confluent: true,
		summary: "unevaluated properties must now match a schema",
		text: func(f finding, data string) string {
			return "undeclared properties must now match a schema; " + data + " may hold others (LENIENT assumes it holds none)"
		}},
	kDependencyArrayAdded: {name: "DEPENDENCY_ARRAY_ADDED", policy: breaking, confluent: true,
		summary: "a property now requires others",
		text: func(f finding, data string) string {
			return "now requires " + show(f.new) + " when present; " + data + " may lack them"
		}},
	kDependencyArrayRemoved: {name: "DEPENDENCY_ARRAY_REMOVED", policy: compatible, confluent: true,
		summary: "a property no longer requires others",
		text: func(f finding, data string) string {
			return "no longer requires " + show(f.old) + " when present"
		}},
	kDependencyArrayExtended: {name: "DEPENDENCY_ARRAY_EXTENDED", policy: breaking, confluent: true,
		summary: "a property requires more others",
		text: func(f finding, data string) string {
			return "now also requires " + show(f.new) + " when present; " + data + " may lack them"
		}},
	kDependencyArrayNarrowed: {name: "DEPENDENCY_ARRAY_NARROWED", policy: compatible, confluent: true,
		summary: "a property requires fewer others",
		text: func(f finding, data string) string {
			return "no longer requires " + show(f.old) + " when present"
		}},
	kDependencyArrayChanged: {name: "DEPENDENCY_ARRAY_CHANGED", policy: breaking, confluent: true,
		summary: "the properties a property requires changed",
		text: func(f finding, data string) string {
			return "requires " + show(f.new) + " instead of " + show(f.old) + " when present; " + data + " may lack them"
		}},
	kDependencySchemaAdded: {name: "DEPENDENCY_SCHEMA_ADDED", policy: breaking, confluent: true,
		summary: "a property now brings a schema with it",
		text: func(f finding, data string) string {
			return "now brings a schema that objects holding it must match; " + data + " may not"
		}},
	kDependencySchemaRemoved: {name: "DEPENDENCY_SCHEMA_REMOVED", policy: compatible, confluent: true,
		summary: "a property no longer brings a schema with it",
		text: func(f finding, data string) string {
			return "no longer brings a schema with it"
		}},
	kRequiredPropertyAddedToOpenContentModel: {name: "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", policy: breaking, confluent: true,
		summary: "a required property was added to an open object",
		text: func(f finding, data string) string {
			return "required property added; " + data + " lacks it"
		}},
	kRequiredPropertyWithDefaultAddedToOpenContentModel: {name: "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL", policy: breaksStrict, confluent: true,
		summary: "a required property with a default was added to an open object",
		text: func(f finding, data string) string {
			return "required property added with a default for data that lacks it"
		}},
	kOptionalPropertyAddedToOpenContentModel: {name: "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", policy: breaksStrict, confluent: true,
		summary: "an optional property was added to an open object",
		text: func(f finding, data string) string {
			return "optional property added to an object that allows undeclared properties; " + data +
				" may already hold it with another value (breaks under STRICT only)"
		}},
	kPropertyWithEmptySchemaAddedToOpenContentModel: {name: "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", policy: compatible, confluent: true,
		summary: "a property that accepts any value was added to an open object",
		text: func(f finding, data string) string {
			return "property that accepts any value added"
		}},
	kRequiredPropertyAddedToUnopenContentModel: {name: "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", policy: breaking, confluent: true,
		summary: "a required property was added to a closed object",
		text: func(f finding, data string) string {
			return "required property added; " + data + " lacks it"
		}},
	kRequiredPropertyWithDefaultAddedToUnopenContentModel: {name: "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL", policy: compatible, confluent: true,
		summary: "a required property with a default was added to a closed object",
		text: func(f finding, data string) string {
			return "required property added with a default for data that lacks it"
		}},
	kOptionalPropertyAddedToUnopenContentModel: {name: "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", policy: compatible, confluent: true,
		summary: "an optional property was added to a closed object",
		text: func(f finding, data string) string {
			return "optional property added"
		}},
	kPropertyRemovedFromOpenContentModel: {name: "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", policy: compatible, confluent: true,
		summary: "a property was removed from an open object",
		text: func(f finding, data string) string {
			return "property removed; undeclared properties are allowed, so " + data + " that holds it stays valid"
		}},
	kPropertyWithFalseRemovedFromClosedContentModel: {name: "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", policy: compatible, confluent: true,
		summary: "a forbidden property was dropped from a closed object",
		text: func(f finding, data string) string {
			return "forbidden property dropped; it stays forbidden"
		}},
	kPropertyRemovedFromClosedContentModel: {name: "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", policy: breaking, confluent: true,
		summary: "a property was removed from a closed object",
		text: func(f finding, data string) string {
			return "property removed while undeclared properties are not allowed; " + data + " that holds it is now rejected"
		}},
	kPropertyRemovedIsCoveredByPartiallyOpenContentModel: {name: "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", policy: compatible, confluent: true,
		summary: "a removed property's values still match the schema of undeclared properties",
		text: func(f finding, data string) string {
			return "property removed; its values still match the schema for undeclared properties"
		}},
	kPropertyRemovedNotCoveredByPartiallyOpenContentModel: {name: "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", policy: breaking, confluent: true,
		summary: "a removed property's values no longer match the schema of undeclared properties",
		text: func(f finding, data string) string {
			return "property removed; its values in " + data + " no longer match the schema for undeclared properties"
		}},
	kPropertyAddedIsCoveredByPartiallyOpenContentModel: {name: "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", policy: compatible, confluent: true,
		summary: "an added property accepts every value the schema of undeclared properties did",
		text: func(f finding, data string) string {
			return "property added; it accepts every value the schema for undeclared properties did"
		}},
	kPropertyAddedNotCoveredByPartiallyOpenContentModel: {name: "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", policy: breaksStrict, confluent: true,
		summary: "an added property rejects values the schema of undeclared properties accepted",
		text: func(f finding, data string) string {
			return "property added; it rejects values the schema for undeclared properties accepted, which " + data + " may hold"
		}},
	kPatternPropertyAddedToOpenContentModel: {name: "PATTERN_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", policy: breaksStrict,
		summary: "a pattern property was added to an open object",
		text: func(f finding, data string) string {
			return "pattern property added to an object that allows undeclared properties; " + data +
				" may hold matching names with other values (breaks under STRICT only)"
		}},
	kPatternPropertyAddedToUnopenContentModel: {name: "PATTERN_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", policy: compatible,
		summary: "a pattern property was added to a closed object",
		text: func(f finding, data string) string {
			return "pattern property added; names matching it are now allowed"
		}},
	kPatternPropertyRemovedFromOpenContentModel: {name: "PATTERN_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", policy: compatible,
		summary: "a pattern property was removed from an open object",
		text: func(f finding, data string) string {
			return "pattern property removed; matching names are now unconstrained"
		}},
	kPatternPropertyRemovedFromClosedContentModel: {name: "PATTERN_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", policy: breaking,
		summary: "a pattern property was removed from a closed object",
		text: func(f finding, data string) string {
			return "pattern property removed while undeclared properties are not allowed; " + data + " with matching names is now rejected"
		}},
	kPatternPropertyRemovedFromPartiallyOpenContentModel: {name: "PATTERN_PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL", policy: compatible,
		summary: "a pattern property was removed; its names fall to the schema of undeclared properties",
		text: func(f finding, data string) string {
			return "pattern property removed; matching names now follow the schema for undeclared properties"
		}},
}
