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

// arrayKinds are the kinds the array rules find, one row each.
var arrayKinds = map[kind]kindInfo{
	kSchemaAdded: {name: "SCHEMA_ADDED", policy: breaking, confluent: true,
		summary: "a subschema was added where there was none",
		text: func(f finding, data string) string {
			return "subschema added; " + data + " may not match it"
		}},
	kSchemaRemoved: {name: "SCHEMA_REMOVED", policy: compatible, confluent: true,
		summary: "a subschema was removed",
		text: func(f finding, data string) string {
			return "subschema removed; any value is now allowed there"
		}},
	kMaxItemsAdded: {name: "MAX_ITEMS_ADDED", policy: breaking, confluent: true,
		summary: "maxItems was added", text: limitAdded("maxItems")},
	kMaxItemsRemoved: {name: "MAX_ITEMS_REMOVED", policy: compatible, confluent: true,
		summary: "maxItems was removed", text: limitRemoved("maxItems")},
	kMaxItemsIncreased: {name: "MAX_ITEMS_INCREASED", policy: compatible, confluent: true,
		summary: "maxItems was raised", text: limitChanged("maxItems", "raised", "")},
	kMaxItemsDecreased: {name: "MAX_ITEMS_DECREASED", policy: breaking, confluent: true,
		summary: "maxItems was lowered", text: limitChanged("maxItems", "lowered", "may exceed it")},
	kMinItemsAdded: {name: "MIN_ITEMS_ADDED", policy: breaking, confluent: true,
		summary: "minItems was added", text: limitAdded("minItems")},
	kMinItemsRemoved: {name: "MIN_ITEMS_REMOVED", policy: compatible, confluent: true,
		summary: "minItems was removed", text: limitRemoved("minItems")},
	kMinItemsIncreased: {name: "MIN_ITEMS_INCREASED", policy: breaking, confluent: true,
		summary: "minItems was raised", text: limitChanged("minItems", "raised", "may fall below it")},
	kMinItemsDecreased: {name: "MIN_ITEMS_DECREASED", policy: compatible, confluent: true,
		summary: "minItems was lowered", text: limitChanged("minItems", "lowered", "")},
	kMaxContainsAdded: {name: "MAX_CONTAINS_ADDED", policy: breaking, confluent: true,
		summary: "maxContains was added", text: limitAdded("maxContains")},
	kMaxContainsRemoved: {name: "MAX_CONTAINS_REMOVED", policy: compatible, confluent: true,
		summary: "maxContains was removed", text: limitRemoved("maxContains")},
	kMaxContainsIncreased: {name: "MAX_CONTAINS_INCREASED", policy: compatible, confluent: true,
		summary: "maxContains was raised", text: limitChanged("maxContains", "raised", "")},
	kMaxContainsDecreased: {name: "MAX_CONTAINS_DECREASED", policy: breaking, confluent: true,
		summary: "maxContains was lowered", text: limitChanged("maxContains", "lowered", "may exceed it")},
	kMinContainsIncreased: {name: "MIN_CONTAINS_INCREASED", policy: breaking, confluent: true,
		summary: "minContains was raised", text: limitChanged("minContains", "raised", "may fall below it")},
	kMinContainsDecreased: {name: "MIN_CONTAINS_DECREASED", policy: compatible, confluent: true,
		summary: "minContains was lowered", text: limitChanged("minContains", "lowered", "")},
	kUniqueItemsAdded: {name: "UNIQUE_ITEMS_ADDED", policy: breaking, confluent: true,
		summary: "items must now be unique",
		text: func(f finding, data string) string {
			return "items must now be unique; " + data + " may repeat some"
		}},
	kUniqueItemsRemoved: {name: "UNIQUE_ITEMS_REMOVED", policy: compatible, confluent: true,
		summary: "items no longer need to be unique",
		text: func(f finding, data string) string {
			return "items no longer need to be unique"
		}},
	kAdditionalItemsAdded: {name: "ADDITIONAL_ITEMS_ADDED", policy: compatible, confluent: true,
		summary: "items past the tuple are now allowed",
		text: func(f finding, data string) string {
			return "items past the tuple are now allowed"
		}},
	kAdditionalItemsRemoved: {name: "ADDITIONAL_ITEMS_REMOVED", policy: breaking, confluent: true,
		summary: "items past the tuple are no longer allowed",
		text: func(f finding, data string) string {
			return "items past the tuple are no longer allowed; " + data + " may have some"
		}},
	kAdditionalItemsExtended: {name: "ADDITIONAL_ITEMS_EXTENDED", policy: compatible, confluent: true,
		summary: "items past the tuple may now hold any value",
		text: func(f finding, data string) string {
			return "items past the tuple may now hold any value"
		}},
	kAdditionalItemsNarrowed: {name: "ADDITIONAL_ITEMS_NARROWED", policy: breaking, confluent: true,
		summary: "items past the tuple must now match a schema",
		text: func(f finding, data string) string {
			return "items past the tuple must now match a schema; " + data + " may hold others"
		}},
	kUnevaluatedItemsAdded: {name: "UNEVALUATED_ITEMS_ADDED", policy: compatible, confluent: true,
		summary: "unevaluated items are now allowed",
		text: func(f finding, data string) string {
			return "items past the tuple are now allowed"
		}},
	kUnevaluatedItemsRemoved: {name: "UNEVALUATED_ITEMS_REMOVED", policy: breaking, confluent: true,
		summary: "unevaluated items are no longer allowed",
		text: func(f finding, data string) string {
			return "items past the tuple are no longer allowed; " + data + " may have some"
		}},
	kUnevaluatedItemsExtended: {name: "UNEVALUATED_ITEMS_EXTENDED", policy: compatible, confluent: true,
		summary: "unevaluated items may now hold any value",
		text: func(f finding, data string) string {
			return "items past the tuple may now hold any value"
		}},
	kUnevaluatedItemsNarrowed: {name: "UNEVALUATED_ITEMS_NARROWED", policy: breaking, confluent: true,
		summary: "unevaluated items must now match a schema",
		text: func(f finding, data string) string {
			return "items past the tuple must now match a schema; " + data + " may hold others"
		}},
	kItemAddedToOpenContentModel: {name: "ITEM_ADDED_TO_OPEN_CONTENT_MODEL", policy: breaking, confluent: true,
		summary: "a tuple position was added to an open array",
		text: func(f finding, data string) string {
			return "tuple position added to an array that allowed any further item; " + data + " may hold another value there"
		}},
	kItemWithEmptySchemaAddedToOpenContentModel: {name: "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", policy: compatible, confluent: true,
		summary: "a tuple position that accepts any value was added to an open array",
		text: func(f finding, data string) string {
			return "tuple position that accepts any value added"
		}},
	kItemAddedToClosedContentModel: {name: "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", policy: compatible, confluent: true,
		summary: "a tuple position was added to a closed array",
		text: func(f finding, data string) string {
			return "tuple position added; arrays may now be longer"
		}},
	kItemRemovedFromOpenContentModel: {name: "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", policy: compatible, confluent: true,
		summary: "a tuple position was removed from an open array",
		text: func(f finding, data string) string {
			return "tuple position removed; the position now accepts any value"
		}},
	kItemWithFalseRemovedFromClosedContentModel: {name: "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", policy: compatible, confluent: true,
		summary: "a forbidden tuple position was dropped from a closed array",
		text: func(f finding, data string) string {
			return "forbidden tuple position dropped; it stays forbidden"
		}},
	kItemRemovedFromClosedContentModel: {name: "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL", policy: breaking, confluent: true,
		summary: "a tuple position was removed from a closed array",
		text: func(f finding, data string) string {
			return "tuple position removed while further items are not allowed; " + data + " that long is now rejected"
		}},
	kItemRemovedIsCoveredByPartiallyOpenContentModel: {name: "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", policy: compatible, confluent: true,
		summary: "a removed tuple position's values still match the schema of further items",
		text: func(f finding, data string) string {
			return "tuple position removed; its values still match the schema for further items"
		}},
	kItemRemovedNotCoveredByPartiallyOpenContentModel: {name: "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", policy: breaking, confluent: true,
		summary: "a removed tuple position's values no longer match the schema of further items",
		text: func(f finding, data string) string {
			return "tuple position removed; its values in " + data + " no longer match the schema for further items"
		}},
	kItemAddedIsCoveredByPartiallyOpenContentModel: {name: "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", policy: compatible, confluent: true,
		summary: "an added tuple position accepts every value the schema of further items did",
		text: func(f finding, data string) string {
			return "tuple position added; it accepts every value the schema for further items did"
		}},
	kItemAddedNotCoveredByPartiallyOpenContentModel: {name: "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", policy: breaking, confluent: true,
		summary: "an added tuple position rejects values the schema of further items accepted",
		text: func(f finding, data string) string {
			return "tuple position added; it rejects values the schema for further items accepted, which " + data + " may hold"
		}},
}
