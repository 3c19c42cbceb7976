package validate

import (
	"encoding/binary"
	"sort"

	"github.com/schemareg/schemareg/compiler/document"
)

// A costLabel is a child of a value: a property by name, a property no
// "properties" names, an item by index, an item past every prefix, a
// property name, or the content a string holds.
type costLabel struct {
	kind  byte // 'p' named property, '*' other property, 'i' item, 'r' rest, 'k' name, 'c' content
	name  string
	index int
}

// explore checks the value whose subschemas are v, then, depth levels
// down, every kind of child value it may have.
func (c *coster) explore(v costVec, depth int) error {
	if c.work > c.budget {
		return errCostWork
	}
	total, worst := 0, 0
	for i, e := range v {
		total = satAdd(total, e.n)
		if e.n > v[worst].n || e.n == v[worst].n && c.nodes[e.node].s.Location < c.nodes[v[worst].node].s.Location {
			worst = i
		}
	}
	if total > MaxEvaluations {
		return &costError{node: v[worst].node}
	}
	c.most = max(c.most, total)
	// Only the subschemas that apply others to child values decide what
	// comes next: two values checked against the same of those have the
	// same children, whatever else they are checked against.
	v = c.active(v)
	if depth == 0 || len(v) == 0 {
		return nil
	}
	key := vecKey(v)
	if d, ok := c.seen[key]; ok && d >= depth {
		return nil
	}
	c.seen[key] = depth
	c.work += len(v)
	if c.work > c.budget {
		return errCostWork
	}
	return c.children(c.index(v), func(l costLabel, from []costVec) error {
		acc := map[int32]int{}
		for _, es := range from {
			for _, e := range es {
				c.work++
				for _, to := range c.targets(e.node, l) {
					for _, t := range c.closure(to) {
						acc[t.node] = satAdd(acc[t.node], satMul(e.n, t.n))
					}
				}
			}
		}
		if c.work > c.budget {
			return errCostWork
		}
		if len(acc) == 0 {
			return nil
		}
		return c.explore(sortedVec(acc), depth-1)
	})
}

// bound returns an upper bound of the checks of one value below the root
// that takes work in proportion to the schema's size: it follows the
// children of each subschema on their own, as if each could take the
// child value its own way. Level by level, g[x] bounds the checks of a
// value at most that many levels below one checked against x, and h[k]
// what the subschemas that apply others to child values add to it, alike
// for every x whose closure has the same of those (class k).
func (c *coster) bound() (int, error) {
	n := len(c.nodes)
	g, total, class := make([]int, n), make([]int, n), make([]int, n)
	byKey := map[string]int{}
	var idx []*costIndex
	for x := range c.nodes {
		cl := c.closure(int32(x))
		if c.work > c.budget {
			return 0, errCostWork
		}
		total[x] = vecTotal(cl)
		g[x] = total[x]
		act := c.active(cl)
		key := vecKey(act)
		k, ok := byKey[key]
		if !ok {
			k = len(idx)
			byKey[key] = k
			idx = append(idx, c.index(act))
		}
		class[x] = k
	}
	h := make([]int, len(idx))
	for d := 1; d <= document.MaxDepth && g[0] <= MaxEvaluations; d++ {
		changed := false
		next := make([]int, len(h))
		for k, ix := range idx {
			best := 0
			c.children(ix, func(l costLabel, from []costVec) error {
				sum := 0
				for _, es := range from {
					for _, e := range es {
						c.work++
						for _, t := range c.targets(e.node, l) {
							sum = satAdd(sum, satMul(e.n, g[t]))
						}
					}
				}
				best = max(best, sum)
				return nil
			})
			if c.work > c.budget {
				return 0, errCostWork
			}
			next[k] = best
			changed = changed || best != h[k]
		}
		h = next
		for x := range g {
			g[x] = max(total[x], h[class[x]])
		}
		if !changed {
			break
		}
	}
	return g[0], nil
}

func vecTotal(v costVec) int {
	total := 0
	for _, e := range v {
		total = satAdd(total, e.n)
	}
	return total
}

// costIndex is a set of subschemas indexed by the child values they apply
// subschemas to.
type costIndex struct {
	byName                         map[string]costVec
	names                          []string
	objects, arrays, keys, content costVec
	prefix                         int
}

func (c *coster) index(v costVec) *costIndex {
	ix := &costIndex{byName: map[string]costVec{}}
	for _, e := range v {
		n := c.nodes[e.node]
		for name := range n.props {
			if ix.byName[name] == nil {
				ix.names = append(ix.names, name)
			}
			ix.byName[name] = append(ix.byName[name], e)
			c.work++
		}
		if len(n.patterns) > 0 || len(n.addl) > 0 || len(n.uneval) > 0 {
			ix.objects = append(ix.objects, e)
		}
		if len(n.prefix) > 0 || len(n.rest) > 0 || len(n.anyItem) > 0 || len(n.unevalIt) > 0 {
			ix.arrays = append(ix.arrays, e)
			ix.prefix = max(ix.prefix, len(n.prefix))
		}
		if len(n.names) > 0 {
			ix.keys = append(ix.keys, e)
		}
		if len(n.content) > 0 {
			ix.content = append(ix.content, e)
		}
	}
	sort.Strings(ix.names)
	return ix
}

// children calls f with every kind of child of a value checked against
// the subschemas ix holds, and those of them that may apply subschemas to
// it; it stops at the first error f returns.
func (c *coster) children(ix *costIndex, f func(l costLabel, from []costVec) error) error {
	for _, name := range ix.names {
		// The subschemas that name the property, and those that do not but
		// may apply something to it all the same.
		others := make(costVec, 0, len(ix.objects))
		for _, e := range ix.objects {
			if c.nodes[e.node].props[name] == nil {
				others = append(others, e)
			}
		}
		if err := f(costLabel{kind: 'p', name: name}, []costVec{ix.byName[name], others}); err != nil {
			return err
		}
	}
	if len(ix.objects) > 0 {
		if err := f(costLabel{kind: '*'}, []costVec{ix.objects}); err != nil {
			return err
		}
	}
	for i := 0; i < ix.prefix; i++ {
		if err := f(costLabel{kind: 'i', index: i}, []costVec{ix.arrays}); err != nil {
			return err
		}
	}
	if len(ix.arrays) > 0 {
		if err := f(costLabel{kind: 'r', index: ix.prefix}, []costVec{ix.arrays}); err != nil {
			return err
		}
	}
	if len(ix.keys) > 0 {
		if err := f(costLabel{kind: 'k'}, []costVec{ix.keys}); err != nil {
			return err
		}
	}
	if len(ix.content) > 0 {
		return f(costLabel{kind: 'c'}, []costVec{ix.content})
	}
	return nil
}

// active returns the entries of v whose subschemas apply subschemas to
// child values.
func (c *coster) active(v costVec) costVec {
	out := v[:0:0]
	for _, e := range v {
		n := c.nodes[e.node]
		if len(n.props) > 0 || len(n.patterns) > 0 || len(n.addl) > 0 || len(n.uneval) > 0 || len(n.names) > 0 ||
			len(n.prefix) > 0 || len(n.rest) > 0 || len(n.anyItem) > 0 || len(n.unevalIt) > 0 || len(n.content) > 0 {
			out = append(out, e)
		}
	}
	return out
}

func vecKey(v costVec) string {
	b := make([]byte, 0, len(v)*8)
	for _, e := range v {
		b = binary.AppendUvarint(b, uint64(e.node))
		b = binary.AppendUvarint(b, uint64(e.n))
	}
	return string(b)
}
