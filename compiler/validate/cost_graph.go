package validate

import (
	"sort"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// costNode is a subschema and the subschemas it applies, by the values
// they apply to.
type costNode struct {
	s        *jsonschema.Schema
	inplace  []int32            // to the same value: $ref, allOf, anyOf, oneOf, not, if, then, else, dependencies
	dynamic  []int32            // to the same value, one of them: where a $dynamicRef or $recursiveRef may go
	props    map[string][]int32 // properties/<name>
	patterns []patternEdge      // patternProperties
	addl     []int32            // additionalProperties
	uneval   []int32            // unevaluatedProperties
	names    []int32            // propertyNames: to each name
	prefix   []int32            // prefixItems/<i>, or items/<i> in the array form
	rest     []int32            // items past the prefix
	anyItem  []int32            // contains
	unevalIt []int32            // unevaluatedItems
	content  []int32            // contentSchema: to the decoded string
	closure  costVec
	closed   bool
}

type patternEdge struct {
	re     jsonschema.Regexp
	schema *jsonschema.Schema
	to     int32
}

// keysOf returns the keys of a map in order.
func keysOf[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// costVec is a set of subschemas, each with the number of branches that
// lead to it, sorted by node.
type costVec []costEntry

type costEntry struct {
	node int32
	n    int
}

type coster struct {
	ids     map[*jsonschema.Schema]int32
	nodes   []*costNode
	onStack map[int32]bool
	seen    map[string]int // explored vectors → the depth left when they were
	work    int
	budget  int
	most    int // the most checks of one value met so far
}

func (c *coster) add(s *jsonschema.Schema) int32 {
	if id, ok := c.ids[s]; ok {
		return id
	}
	id := int32(len(c.nodes))
	c.ids[s] = id
	c.nodes = append(c.nodes, &costNode{s: s})
	return id
}

func (c *coster) addAll(ss []*jsonschema.Schema) []int32 {
	out := make([]int32, 0, len(ss))
	for _, s := range ss {
		if s != nil {
			out = append(out, c.add(s))
		}
	}
	return out
}

// edges fills in the subschemas node id applies.
func (c *coster) edges(id int32) {
	n := c.nodes[id]
	s := n.s
	in := []*jsonschema.Schema{s.Ref, s.Not, s.If, s.Then, s.Else}
	in = append(in, s.AllOf...)
	in = append(in, s.AnyOf...)
	in = append(in, s.OneOf...)
	// Maps in key order: the nodes are numbered, and the check's answer
	// worded, the same way every time.
	for _, k := range keysOf(s.DependentSchemas) {
		in = append(in, s.DependentSchemas[k])
	}
	for _, k := range keysOf(s.Dependencies) {
		if ds, ok := s.Dependencies[k].(*jsonschema.Schema); ok {
			in = append(in, ds)
		}
	}
	n.inplace = c.addAll(in)
	if s.RecursiveRef != nil {
		n.dynamic = append(n.dynamic, c.add(s.RecursiveRef))
	}
	if s.DynamicRef != nil && s.DynamicRef.Ref != nil {
		n.dynamic = append(n.dynamic, c.add(s.DynamicRef.Ref))
	}
	if len(s.Properties) > 0 {
		n.props = make(map[string][]int32, len(s.Properties))
		for _, name := range keysOf(s.Properties) {
			n.props[name] = []int32{c.add(s.Properties[name])}
		}
	}
	for re, p := range s.PatternProperties {
		n.patterns = append(n.patterns, patternEdge{re: re, schema: p})
	}
	sort.Slice(n.patterns, func(i, j int) bool { return n.patterns[i].re.String() < n.patterns[j].re.String() })
	for i := range n.patterns {
		n.patterns[i].to = c.add(n.patterns[i].schema)
	}
	if ap, ok := s.AdditionalProperties.(*jsonschema.Schema); ok {
		n.addl = []int32{c.add(ap)}
	}
	n.uneval = c.addAll([]*jsonschema.Schema{s.UnevaluatedProperties})
	n.names = c.addAll([]*jsonschema.Schema{s.PropertyNames})
	switch items := s.Items.(type) {
	case *jsonschema.Schema:
		n.rest = []int32{c.add(items)}
	case []*jsonschema.Schema:
		n.prefix = c.addAll(items)
		if ai, ok := s.AdditionalItems.(*jsonschema.Schema); ok {
			n.rest = []int32{c.add(ai)}
		}
	}
	if len(s.PrefixItems) > 0 {
		n.prefix = c.addAll(s.PrefixItems)
	}
	if s.Items2020 != nil {
		n.rest = []int32{c.add(s.Items2020)}
	}
	n.anyItem = c.addAll([]*jsonschema.Schema{s.Contains})
	n.unevalIt = c.addAll([]*jsonschema.Schema{s.UnevaluatedItems})
	n.content = c.addAll([]*jsonschema.Schema{s.ContentSchema})
}

// dynamicEdges adds to each $dynamicRef and $recursiveRef the subschemas
// it may resolve to when the validator runs: those with the anchor it
// names. It resolves to one of them, which closure bounds by the costliest.
func (c *coster) dynamicEdges() {
	byAnchor := map[string][]int32{}
	var recursive []int32
	for i, n := range c.nodes {
		if n.s.DynamicAnchor != "" {
			byAnchor[n.s.DynamicAnchor] = append(byAnchor[n.s.DynamicAnchor], int32(i))
		}
		if n.s.RecursiveAnchor {
			recursive = append(recursive, int32(i))
		}
	}
	for _, n := range c.nodes {
		if dr := n.s.DynamicRef; dr != nil && dr.Anchor != "" {
			for _, m := range byAnchor[dr.Anchor] {
				if c.nodes[m].s != dr.Ref {
					n.dynamic = append(n.dynamic, m)
				}
			}
		}
		if rr := n.s.RecursiveRef; rr != nil {
			for _, m := range recursive {
				if c.nodes[m].s != rr {
					n.dynamic = append(n.dynamic, m)
				}
			}
		}
	}
}

// closure returns the subschemas a value checked against node id is
// checked against too, id included, each with its number of branches. A
// branch that comes back to a subschema it passed stops there, as the
// validator stops it. Past the work budget it returns nil, and the caller
// finds the budget spent.
func (c *coster) closure(id int32) costVec {
	n := c.nodes[id]
	if n.closed || c.work > c.budget {
		return n.closure
	}
	c.onStack[id] = true
	acc := map[int32]int{id: 1}
	for _, to := range n.inplace {
		if c.onStack[to] {
			continue
		}
		for _, e := range c.closure(to) {
			acc[e.node] = satAdd(acc[e.node], e.n)
		}
		c.work++
	}
	// A dynamic reference goes to one target: each subschema is counted
	// with the most branches any one target leads to it along.
	most := map[int32]int{}
	for _, to := range n.dynamic {
		if c.onStack[to] {
			continue
		}
		for _, e := range c.closure(to) {
			most[e.node] = max(most[e.node], e.n)
		}
		c.work++
	}
	for node, k := range most {
		acc[node] = satAdd(acc[node], k)
	}
	delete(c.onStack, id)
	if c.work += len(acc); c.work > c.budget {
		return nil // not kept: it may lack what the budget cut off
	}
	n.closure, n.closed = sortedVec(acc), true
	return n.closure
}

func satAdd(a, b int) int { return min(a+b, MaxEvaluations+1) }

func satMul(a, b int) int {
	if a > MaxEvaluations || b > MaxEvaluations {
		return MaxEvaluations + 1
	}
	return min(a*b, MaxEvaluations+1)
}

func sortedVec(acc map[int32]int) costVec {
	v := make(costVec, 0, len(acc))
	for node, n := range acc {
		v = append(v, costEntry{node, n})
	}
	sort.Slice(v, func(i, j int) bool { return v[i].node < v[j].node })
	return v
}

// targets returns the subschemas node id applies to its child l.
func (c *coster) targets(id int32, l costLabel) []int32 {
	n := c.nodes[id]
	var out []int32
	switch l.kind {
	case 'p':
		out = append(out, n.props[l.name]...)
		matched := len(n.props[l.name]) > 0
		for _, p := range n.patterns {
			if p.re.MatchString(l.name) {
				out, matched = append(out, p.to), true
			}
		}
		if !matched {
			out = append(out, n.addl...)
		}
		if len(n.uneval) > 0 && !c.evaluates(id, func(m *costNode) bool {
			return len(m.props[l.name]) > 0 || m.s.AdditionalProperties != nil || m.matches(l.name)
		}) {
			out = append(out, n.uneval...)
		}
	case '*':
		// A name no "properties" names: it may match patterns or not;
		// both are counted.
		for _, p := range n.patterns {
			out = append(out, p.to)
		}
		out = append(out, n.addl...)
		if len(n.uneval) > 0 && !c.evaluates(id, func(m *costNode) bool { return m.s.AdditionalProperties != nil }) {
			out = append(out, n.uneval...)
		}
	case 'i', 'r':
		if l.kind == 'i' && l.index < len(n.prefix) {
			out = append(out, n.prefix[l.index])
		} else {
			out = append(out, n.rest...)
		}
		out = append(out, n.anyItem...)
		if len(n.unevalIt) > 0 && !c.evaluates(id, func(m *costNode) bool { return len(m.rest) > 0 || l.index < len(m.prefix) }) {
			out = append(out, n.unevalIt...)
		}
	case 'k':
		out = append(out, n.names...)
	case 'c':
		out = append(out, n.content...)
	}
	return out
}

// evaluates reports whether a subschema that applies to the same value as
// node id, id included, satisfies f.
func (c *coster) evaluates(id int32, f func(*costNode) bool) bool {
	for _, e := range c.closure(id) {
		if f(c.nodes[e.node]) {
			return true
		}
	}
	return false
}

func (n *costNode) matches(name string) bool {
	for _, p := range n.patterns {
		if p.re.MatchString(name) {
			return true
		}
	}
	return false
}
