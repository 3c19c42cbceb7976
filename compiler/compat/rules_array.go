package compat

// additionalItemsOf is the schema items past the tuple must match:
// additionalItems (items beside prefixItems), else unevaluatedItems, else,
// for an array without a tuple, its one items schema.
func additionalItemsOf(n *snode) *snode {
	switch {
	case n.addItems != nil:
		return n.addItems
	case n.unevalItems != nil:
		return n.unevalItems
	case len(n.prefix) == 0:
		return n.items
	}
	return nil
}

func (d *differ) arrays(o, u *snode, path string, depth int, conj bool) {
	o, u = tupleView(o, u), tupleView(u, o)
	d.optional(o.items, u.items, subPath(path, "items"), kSchemaAdded, kSchemaRemoved, depth, conj)
	d.tuple(o, u, path, depth, conj)
	d.openness(o, u, o.addItems, u.addItems, "additionalItems", path, depth, conj, [4]kind{
		kAdditionalItemsAdded, kAdditionalItemsRemoved, kAdditionalItemsExtended, kAdditionalItemsNarrowed})
	d.openness(o, u, o.unevalItems, u.unevalItems, "unevaluatedItems", path, depth, conj, [4]kind{
		kUnevaluatedItemsAdded, kUnevaluatedItemsRemoved, kUnevaluatedItemsExtended, kUnevaluatedItemsNarrowed})
	d.optional(o.contains, u.contains, subPath(path, "contains"), kSchemaAdded, kSchemaRemoved, depth, conj)
	d.limit(o, u, "maxItems", o.maxItems, u.maxItems,
		limitKinds{kMaxItemsAdded, kMaxItemsRemoved, kMaxItemsIncreased, kMaxItemsDecreased}, path)
	d.limit(o, u, "minItems", o.minItems, u.minItems,
		limitKinds{kMinItemsAdded, kMinItemsRemoved, kMinItemsIncreased, kMinItemsDecreased}, path)
	if o.contains != nil && u.contains != nil {
		d.limit(o, u, "maxContains", o.maxContains, u.maxContains,
			limitKinds{kMaxContainsAdded, kMaxContainsRemoved, kMaxContainsIncreased, kMaxContainsDecreased}, path)
		d.limit(o, u, "minContains", o.minContains, u.minContains,
			limitKinds{kMinContainsIncreased, kMinContainsDecreased, kMinContainsIncreased, kMinContainsDecreased}, path)
	}
	switch {
	case !o.uniqueItems && u.uniqueItems:
		d.emit(kUniqueItemsAdded, subPath(path, "uniqueItems"), u, "/uniqueItems", false, true)
	case o.uniqueItems && !u.uniqueItems:
		d.emit(kUniqueItemsRemoved, subPath(path, "uniqueItems"), o, "/uniqueItems", true, false)
	}
}

// tuple compares the per-position item schemas. Confluent names them
// #/items/N in every dialect.
func (d *differ) tuple(o, u *snode, path string, depth int, conj bool) {
	n, m := len(o.prefix), len(u.prefix)
	for i := 0; i < n || i < m; i++ {
		p := subPath(path, "items", itoa(i))
		switch {
		case i < n && i < m:
			d.compare(o.prefix[i], u.prefix[i], p, depth+1, conj)
		case i < m:
			d.itemAdded(o, u.prefix[i], i, p, depth, conj)
		default:
			d.itemRemoved(u, o.prefix[i], i, p, depth, conj)
		}
	}
}

// itemAdded reports a tuple position the new schema added; the old
// schema's content model said what the position held before.
func (d *differ) itemAdded(o, up *snode, i int, p string, depth int, conj bool) {
	switch m := modelOf(additionalItemsOf(o)); m.state {
	case modelOpen:
		if up.kind == nTrue {
			d.emit(kItemWithEmptySchemaAddedToOpenContentModel, p, up, "", nil, i)
		} else {
			d.emit(kItemAddedToOpenContentModel, p, up, "", nil, i)
		}
	case modelClosed:
		d.emit(kItemAddedToClosedContentModel, p, up, "", nil, i)
	default:
		fs := d.trial(func() { d.compare(m.schema, up, p, depth+1, conj) })
		d.out = append(d.out, fs...)
		if d.compatibleAll(fs) {
			d.emit(kItemAddedIsCoveredByPartiallyOpenContentModel, p, up, "", nil, i)
		} else {
			d.emit(kItemAddedNotCoveredByPartiallyOpenContentModel, p, up, "", nil, i)
		}
	}
}

// itemRemoved reports a tuple position the new schema dropped; its content
// model says what the position holds now.
func (d *differ) itemRemoved(u, op *snode, i int, p string, depth int, conj bool) {
	switch m := modelOf(additionalItemsOf(u)); m.state {
	case modelOpen:
		d.emit(kItemRemovedFromOpenContentModel, p, op, "", i, nil)
	case modelClosed:
		if op.kind == nFalse {
			d.emit(kItemWithFalseRemovedFromClosedContentModel, p, op, "", i, nil)
		} else {
			d.emit(kItemRemovedFromClosedContentModel, p, op, "", i, nil)
		}
	default:
		fs := d.trial(func() { d.compare(op, m.schema, p, depth+1, conj) })
		d.out = append(d.out, fs...)
		if d.compatibleAll(fs) {
			d.emit(kItemRemovedIsCoveredByPartiallyOpenContentModel, p, op, "", i, nil)
		} else {
			d.emit(kItemRemovedNotCoveredByPartiallyOpenContentModel, p, op, "", i, nil)
		}
	}
}
