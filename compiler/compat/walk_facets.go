package compat

// facets compares two schemas when at least one holds keywords of several
// kinds: {"type": "string", "enum": [...]} is a string and an enum. Each
// kind is compared with the same kind on the other side; a kind on one side
// only is a constraint added or dropped (PRODUCT_TYPE_*).
func (d *differ) facets(o, u *snode, path string, depth int, conj bool) {
	of, uf := facetsOf(o), facetsOf(u)
	pairs, onlyO, onlyU := pairFacets(d, of, uf)
	for _, p := range pairs {
		d.compare(p[0], p[1], path, depth+1, conj)
	}
	for _, f := range onlyO {
		if f.kind == nCond {
			d.emit(kConditionalRemoved, subPath(path, "if"), f, "/if", nil, nil)
			continue
		}
		d.emit(kProductTypeNarrowed, path, u, "", facetName(f), nil)
	}
	for _, f := range onlyU {
		if f.kind == nCond {
			d.emit(kConditionalAdded, subPath(path, "if"), f, "/if", nil, nil)
			continue
		}
		d.emit(kProductTypeExtended, path, u, "", nil, facetName(f))
	}
}

func facetsOf(n *snode) []*snode {
	if isSynthAll(n) {
		return n.subs
	}
	return []*snode{n}
}

// facetClass groups the kinds of facet that pair with each other.
func facetClass(d *differ, n *snode) int {
	switch n = d.deref(n); {
	case isFamily(n), n.kind == nCombined && n.synthetic, n.kind == nTrue, n.kind == nFalse:
		return 0 // what type of value
	case n.kind == nEnum:
		return 1
	case n.kind == nCombined:
		return 2
	case n.kind == nNot:
		return 3
	case n.kind == nCond:
		return 4
	}
	return 5
}

// pairFacets pairs facets of the same class, the same kind first.
func pairFacets(d *differ, of, uf []*snode) (pairs [][2]*snode, onlyO, onlyU []*snode) {
	usedO, usedU := make([]bool, len(of)), make([]bool, len(uf))
	pass := func(same func(a, b *snode) bool) {
		for i, a := range of {
			if usedO[i] {
				continue
			}
			for j, b := range uf {
				if usedU[j] || facetClass(d, a) != facetClass(d, b) || !same(a, b) {
					continue
				}
				usedO[i], usedU[j] = true, true
				pairs = append(pairs, [2]*snode{a, b})
				break
			}
		}
	}
	pass(func(a, b *snode) bool {
		a, b = d.deref(a), d.deref(b)
		return a.kind == b.kind && a.crit == b.crit && a.enumKeyword == b.enumKeyword
	})
	pass(func(a, b *snode) bool { return true })
	for i, a := range of {
		if !usedO[i] {
			onlyO = append(onlyO, a)
		}
	}
	for j, b := range uf {
		if !usedU[j] {
			onlyU = append(onlyU, b)
		}
	}
	return pairs, onlyO, onlyU
}

// facetName names a facet's keyword for messages.
func facetName(n *snode) string {
	switch n.kind {
	case nEnum:
		return n.enumKeyword
	case nCombined:
		if n.synthetic {
			return "type"
		}
		return n.crit.keyword()
	case nNot:
		return "not"
	case nRef:
		return "$ref"
	case nTrue, nFalse:
		return "schema"
	}
	if n.typed {
		return "type"
	}
	return typeName(n) + " keywords"
}
