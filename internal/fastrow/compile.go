package fastrow

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Limits bound the rows a Checker certifies. A row with MaxValues or more
// values (each value and each property name counts one), or MaxStringBytes
// or more bytes of strings and property names, is never certified: the
// full path applies its own cost limits to it. Zero means no limit.
type Limits struct {
	MaxValues      int
	MaxStringBytes int
}

// Checker certifies rows valid against one compiled schema. It is
// immutable and safe for concurrent use.
type Checker struct {
	root *node
	lim  Limits
}

// Kinds of JSON values, as bits of a node's type mask.
const (
	kindNull uint8 = 1 << iota
	kindBool
	kindNumber
	kindInteger // a number written without fraction or exponent
	kindString
	kindArray
	kindObject
)

// node is one schema in the form Valid checks. A nil *node accepts any
// well-formed value.
type node struct {
	never bool  // the false schema
	types uint8 // 0: any type

	// enum and const, both of scalars; a value must match each set present.
	enum, cnst *scalars

	format *jsonschema.Format

	// strings
	minLen, maxLen int // -1: none
	pattern        jsonschema.Regexp

	// numbers
	min, max, exMin, exMax *bound
	multipleOf             int64 // 0: none

	// objects
	props         []prop
	byName        map[string]int // index in props, when there are many
	required      uint64         // the bits of the required properties
	extraRequired bool           // required names no property bit stands for
	closed        bool           // additionalProperties: false
	additional    *node          // additionalProperties as a schema; nil: any
	minProps      int
	maxProps      int // -1: none

	// arrays
	items              *node
	minItems, maxItems int // maxItems -1: none
	unique             bool
}

// prop is a declared property: its name, its schema and its bit, which
// marks it seen in an object and, in node.required, required. Past 64
// properties, a property has no bit (0).
type prop struct {
	name string
	n    *node
	bit  uint64
}

// lookupMin is the number of properties from which a node looks names up
// in a map rather than one after the other.
const lookupMin = 9

// prop returns the index in n.props of the property named key.
func (n *node) prop(key []byte) (int, bool) {
	if n == nil {
		return 0, false
	}
	if n.byName != nil {
		i, ok := n.byName[string(key)]
		return i, ok
	}
	for i := range n.props {
		if n.props[i].name == string(key) {
			return i, true
		}
	}
	return 0, false
}

// scalars is a set of scalar values of an enum or a const.
type scalars struct {
	strings []string
	ints    []int64 // numbers that are integers in int64's range
	null    bool
	bools   [2]bool // false, true
}

// bound is a numeric bound: its value rounded to float64, whether that is
// exact, and its sign.
type bound struct {
	f     float64
	exact bool
	sign  int
}

// Compile builds a Checker for s, a schema compiled by jsonschema. It
// returns ok=false when s, or a schema it refers to, uses a keyword the
// Checker does not support; the caller then validates every row the full
// way.
func Compile(s *jsonschema.Schema, lim Limits) (*Checker, bool) {
	c := &compiler{nodes: map[*jsonschema.Schema]*node{}, following: map[*jsonschema.Schema]bool{}}
	n, ok := c.compile(s)
	if !ok {
		return nil, false
	}
	return &Checker{root: n, lim: lim}, true
}

type compiler struct {
	nodes     map[*jsonschema.Schema]*node // compiled or being compiled
	following map[*jsonschema.Schema]bool  // $refs being followed to their end
}

// compile returns the node of s. A schema that is only a $ref is its
// target's node; a chain of such schemas that comes back to itself is
// refused (jsonschema reports it as a cycle when validating).
func (c *compiler) compile(s *jsonschema.Schema) (*node, bool) {
	if s.Bool != nil {
		if *s.Bool {
			return nil, true
		}
		return &node{never: true}, true
	}
	if s.Ref != nil {
		if !onlyRef(s) {
			return nil, false
		}
		if c.following[s] {
			return nil, false
		}
		c.following[s] = true
		defer delete(c.following, s)
		return c.compile(s.Ref)
	}
	if n, ok := c.nodes[s]; ok {
		return n, true // recursion through properties or items: a new value each time
	}
	if !supported(s) {
		return nil, false
	}
	n := &node{minLen: -1, maxLen: -1, maxProps: -1, maxItems: -1}
	c.nodes[s] = n
	if !c.fill(n, s) {
		return nil, false
	}
	if n.isAny() {
		// No constraint at all: nil accepts any value with less work. A
		// recursive parent keeps its pointer to n, which accepts the same.
		return nil, true
	}
	return n, true
}

// onlyRef reports whether s, which has a $ref, checks nothing beside it.
// Before draft 2019 jsonschema checks type, const, enum and format before
// the $ref and ignores every other keyword; from 2019 on, the $ref is one
// keyword among the others, which this package does not combine.
func onlyRef(s *jsonschema.Schema) bool {
	if s.Types != nil || s.Const != nil || s.Enum != nil || s.Format != nil {
		return false
	}
	if s.DraftVersion < 2019 {
		return true
	}
	t := *s
	t.Ref = nil
	return supported(&t) && isEmpty(&t)
}

// supported reports whether s uses only keywords this package checks.
func supported(s *jsonschema.Schema) bool {
	switch {
	case s.RecursiveRef != nil, s.DynamicRef != nil,
		s.Not != nil, len(s.AllOf) > 0, len(s.AnyOf) > 0, len(s.OneOf) > 0,
		s.If != nil, s.Then != nil, s.Else != nil,
		s.PropertyNames != nil, len(s.PatternProperties) > 0,
		len(s.Dependencies) > 0, len(s.DependentRequired) > 0, len(s.DependentSchemas) > 0,
		s.UnevaluatedProperties != nil, s.UnevaluatedItems != nil,
		s.Contains != nil, s.MinContains != nil, s.MaxContains != nil,
		s.AdditionalItems != nil, len(s.PrefixItems) > 0,
		s.ContentEncoding != nil, s.ContentMediaType != nil, s.ContentSchema != nil,
		len(s.Extensions) > 0:
		return false
	}
	if s.DraftVersion < 2020 {
		if _, tuple := s.Items.([]*jsonschema.Schema); tuple {
			return false
		}
	}
	return true
}

// isEmpty reports whether a supported s constrains nothing.
func isEmpty(s *jsonschema.Schema) bool {
	return s.Types == nil && s.Enum == nil && s.Const == nil && s.Format == nil &&
		s.MaxProperties == nil && s.MinProperties == nil && len(s.Required) == 0 &&
		len(s.Properties) == 0 && s.AdditionalProperties == nil &&
		s.MinItems == nil && s.MaxItems == nil && !s.UniqueItems && s.Items == nil && s.Items2020 == nil &&
		s.MinLength == nil && s.MaxLength == nil && s.Pattern == nil &&
		s.Maximum == nil && s.Minimum == nil && s.ExclusiveMaximum == nil && s.ExclusiveMinimum == nil &&
		s.MultipleOf == nil
}

func (n *node) isAny() bool {
	return !n.never && n.types == 0 && n.enum == nil && n.cnst == nil && n.format == nil &&
		n.minLen < 0 && n.maxLen < 0 && n.pattern == nil &&
		n.min == nil && n.max == nil && n.exMin == nil && n.exMax == nil && n.multipleOf == 0 &&
		len(n.props) == 0 && n.required == 0 && !n.extraRequired && !n.closed && n.additional == nil &&
		n.minProps == 0 && n.maxProps < 0 &&
		n.items == nil && n.minItems == 0 && n.maxItems < 0 && !n.unique
}

func (c *compiler) fill(n *node, s *jsonschema.Schema) bool {
	if s.Types != nil {
		for _, t := range s.Types.ToStrings() {
			switch t {
			case "null":
				n.types |= kindNull
			case "boolean":
				n.types |= kindBool
			case "number":
				n.types |= kindNumber | kindInteger
			case "integer":
				n.types |= kindInteger
			case "string":
				n.types |= kindString
			case "array":
				n.types |= kindArray
			case "object":
				n.types |= kindObject
			}
		}
	}
	var ok bool
	if s.Enum != nil {
		if n.enum, ok = newScalars(s.Enum.Values); !ok {
			return false
		}
	}
	if s.Const != nil {
		if n.cnst, ok = newScalars([]any{*s.Const}); !ok {
			return false
		}
	}
	n.format = s.Format

	if s.MinLength != nil {
		n.minLen = *s.MinLength
	}
	if s.MaxLength != nil {
		n.maxLen = *s.MaxLength
	}
	n.pattern = s.Pattern

	n.min, n.max = newBound(s.Minimum), newBound(s.Maximum)
	n.exMin, n.exMax = newBound(s.ExclusiveMinimum), newBound(s.ExclusiveMaximum)
	if s.MultipleOf != nil {
		m := s.MultipleOf
		if !m.IsInt() || m.Sign() <= 0 || !m.Num().IsInt64() {
			return false
		}
		n.multipleOf = m.Num().Int64()
	}

	if s.MinProperties != nil {
		n.minProps = *s.MinProperties
	}
	if s.MaxProperties != nil {
		n.maxProps = *s.MaxProperties
	}
	// Required properties come first, so that they have bits.
	required := map[string]bool{}
	for _, name := range s.Required {
		required[name] = true
		if _, declared := s.Properties[name]; !declared {
			n.extraRequired = true // a row that has it is not told apart
		}
	}
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		if required[names[i]] != required[names[j]] {
			return required[names[i]]
		}
		return names[i] < names[j]
	})
	for i, name := range names {
		pn, ok := c.compile(s.Properties[name])
		if !ok {
			return false
		}
		p := prop{name: name, n: pn}
		if i < 64 {
			p.bit = 1 << i
		}
		if required[name] {
			if p.bit == 0 {
				n.extraRequired = true
			}
			n.required |= p.bit
		}
		n.props = append(n.props, p)
	}
	if len(n.props) >= lookupMin {
		n.byName = make(map[string]int, len(n.props))
		for i, p := range n.props {
			n.byName[p.name] = i
		}
	}
	switch a := s.AdditionalProperties.(type) {
	case nil:
	case bool:
		n.closed = !a
	case *jsonschema.Schema:
		an, ok := c.compile(a)
		if !ok {
			return false
		}
		n.additional = an
	default:
		return false
	}

	var items *jsonschema.Schema
	if s.DraftVersion < 2020 {
		items, _ = s.Items.(*jsonschema.Schema)
	} else {
		items = s.Items2020
	}
	if items != nil {
		if n.items, ok = c.compile(items); !ok {
			return false
		}
	}
	if s.MinItems != nil {
		n.minItems = *s.MinItems
	}
	if s.MaxItems != nil {
		n.maxItems = *s.MaxItems
	}
	n.unique = s.UniqueItems
	return true
}

// newScalars converts the values of an enum or a const. It refuses
// objects and arrays; a number that is not an integer in int64's range is
// dropped, so that no row matches it here (the full path decides).
func newScalars(values []any) (*scalars, bool) {
	sc := &scalars{}
	for _, v := range values {
		switch v := v.(type) {
		case nil:
			sc.null = true
		case bool:
			if v {
				sc.bools[1] = true
			} else {
				sc.bools[0] = true
			}
		case string:
			sc.strings = append(sc.strings, v)
		case json.Number, float32, float64, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
			r, ok := new(big.Rat).SetString(fmt.Sprint(v))
			if ok && r.IsInt() && r.Num().IsInt64() {
				sc.ints = append(sc.ints, r.Num().Int64())
			}
		default:
			return nil, false
		}
	}
	return sc, true
}

func newBound(r *big.Rat) *bound {
	if r == nil {
		return nil
	}
	f, exact := r.Float64()
	return &bound{f: f, exact: exact, sign: r.Sign()}
}

// cmp compares a value with the bound: v is either exactly zero or the
// value correctly rounded to a float64 of magnitude within [1e-300, 1e300],
// exact when vExact is set. It returns ok=false when float64 cannot tell
// the order for certain.
func (b *bound) cmp(v float64, vExact bool) (int, bool) {
	switch {
	case vExact && b.exact:
		return cmpFloat(v, b.f), true
	case v == 0:
		return -b.sign, true
	case b.sign == 0, b.f == 0: // a bound of zero, or one too small for float64
		return sign(v), true
	case math.IsInf(b.f, 0): // a bound too large for float64
		return -sign(b.f), true
	}
	d := v - b.f
	margin := 1e-9 * max(math.Abs(v), math.Abs(b.f))
	switch {
	case d > margin:
		return 1, true
	case d < -margin:
		return -1, true
	}
	return 0, false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sign(f float64) int {
	if f < 0 {
		return -1
	}
	return 1
}
