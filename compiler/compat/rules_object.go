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
