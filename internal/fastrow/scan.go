package fastrow

import (
	"bytes"
	"unicode/utf8"
	"unsafe"
)

// MaxDepth is the deepest nesting of arrays and objects the registry's
// parser accepts (compiler.MaxDepth).
const MaxDepth = 256

// Limits of one number the registry's parser accepts
// (compiler.MaxNumberLength and compiler.MaxNumberExponent).
const (
	maxNumberLength   = 1000
	maxNumberExponent = 10000
)

// maxKeys is the most keys of open objects that are not among the first
// 64 declared properties, and items of open uniqueItems arrays, that a row
// may hold at once; a row with more is not certified.
const maxKeys = 64

// span is a stretch of the row: a key, or an item of a uniqueItems array.
type span struct{ start, end int32 }

// scan is the state of one call of Valid; it lives on the caller's stack.
type scan struct {
	data          []byte
	pos           int
	depth         int
	values, bytes int
	lim           Limits
	nspans        int
	spans         [maxKeys]span
}

// Valid reports whether row is certainly one JSON document the registry's
// parser accepts and the schema finds valid. False means it is not known:
// check the row the full way.
func (c *Checker) Valid(row []byte) bool {
	if len(row) > 1<<31-1 {
		return false
	}
	var s scan
	s.data = row
	s.lim = c.lim
	s.skipSpace()
	if !s.value(c.root) {
		return false
	}
	s.skipSpace()
	return s.pos == len(s.data)
}

func (s *scan) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// count adds values and bytes of strings to the row's totals and reports
// whether they are still under the limits.
func (s *scan) count(values, bytes int) bool {
	s.values += values
	s.bytes += bytes
	return (s.lim.MaxValues <= 0 || s.values < s.lim.MaxValues) &&
		(s.lim.MaxStringBytes <= 0 || s.bytes < s.lim.MaxStringBytes)
}

// allows reports whether n admits a value of kind k.
func (n *node) allows(k uint8) bool {
	return n == nil || !n.never && (n.types == 0 || n.types&k != 0)
}

// value checks the value at s.pos against n and moves past it.
func (s *scan) value(n *node) bool {
	if s.pos >= len(s.data) || !s.count(1, 0) {
		return false
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return s.object(n)
	case c == '[':
		return s.array(n)
	case c == '"':
		return s.stringValue(n)
	case c == 't':
		return s.literal("true") && n.scalar(kindBool, true)
	case c == 'f':
		return s.literal("false") && n.scalar(kindBool, false)
	case c == 'n':
		return s.literal("null") && n.scalar(kindNull, false)
	case c == '-' || c >= '0' && c <= '9':
		return s.number(n)
	}
	return false
}

func (s *scan) literal(word string) bool {
	if !bytes.HasPrefix(s.data[s.pos:], []byte(word)) {
		return false
	}
	s.pos += len(word)
	return true
}

// scalar checks null (k is kindNull) or the boolean b against n.
func (n *node) scalar(k uint8, b bool) bool {
	if n == nil {
		return true
	}
	in := func(sc *scalars) bool {
		if k == kindNull {
			return sc.null
		}
		if b {
			return sc.bools[1]
		}
		return sc.bools[0]
	}
	if !n.allows(k) || n.enum != nil && !in(n.enum) || n.cnst != nil && !in(n.cnst) {
		return false
	}
	if n.format != nil {
		var v any // what Format.Validate gets: nil or the boolean
		if k == kindBool {
			v = b
		}
		if n.format.Validate(v) != nil {
			return false
		}
	}
	return true
}

// str scans a string without escapes at s.pos and returns its bytes and
// its length in code points; ok is false for escapes, control characters,
// invalid UTF-8 or a missing end.
func (s *scan) str() (b []byte, runes int, ok bool) {
	start := s.pos + 1
	for i := start; i < len(s.data); {
		c := s.data[i]
		switch {
		case c == '"':
			s.pos = i + 1
			return s.data[start:i], runes, true
		case c == '\\' || c < 0x20:
			return nil, 0, false
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(s.data[i:])
			if r == utf8.RuneError && size <= 1 {
				return nil, 0, false
			}
			i += size
		}
		runes++
	}
	return nil, 0, false
}

func (s *scan) stringValue(n *node) bool {
	b, runes, ok := s.str()
	if !ok || !s.count(0, len(b)) || !n.allows(kindString) {
		return false
	}
	if n == nil {
		return true
	}
	if n.enum != nil && !n.enum.hasString(b) || n.cnst != nil && !n.cnst.hasString(b) {
		return false
	}
	if n.minLen >= 0 && runes < n.minLen || n.maxLen >= 0 && runes > n.maxLen {
		return false
	}
	if n.pattern == nil && n.format == nil {
		return true
	}
	v := view(b)
	if n.pattern != nil && !n.pattern.MatchString(v) {
		return false
	}
	return n.format == nil || n.format.Validate(v) == nil
}

func (sc *scalars) hasString(b []byte) bool {
	for _, v := range sc.strings {
		if string(b) == v {
			return true
		}
	}
	return false
}

// view is b as a string, without a copy. It is passed only to patterns and
// formats, which do not keep it.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func (s *scan) enter() bool {
	s.depth++
	return s.depth <= MaxDepth
}

func (s *scan) object(n *node) bool {
	if !n.allows(kindObject) || n != nil && (n.enum != nil || n.cnst != nil || n.format != nil) || !s.enter() {
		return false
	}
	s.pos++ // {
	first := s.nspans
	var seen uint64
	keys := 0
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
	} else {
		for {
			s.skipSpace()
			if s.pos >= len(s.data) || s.data[s.pos] != '"' {
				return false
			}
			keyStart := s.pos + 1
			key, _, ok := s.str()
			if !ok || !s.count(1, len(key)) {
				return false
			}
			keyEnd := s.pos - 1
			keys++
			s.skipSpace()
			if s.pos >= len(s.data) || s.data[s.pos] != ':' {
				return false
			}
			s.pos++
			s.skipSpace()
			// A repeated key is seen twice: a declared property by its
			// bit, any other key among the spans.
			var child *node
			i, declared := n.prop(key)
			switch {
			case declared && n.props[i].bit != 0:
				if seen&n.props[i].bit != 0 {
					return false
				}
				seen |= n.props[i].bit
				child = n.props[i].n
			case declared:
				child = n.props[i].n
			case n != nil && n.closed:
				return false
			case n != nil:
				child = n.additional
			}
			if !declared || n.props[i].bit == 0 {
				if !s.push(first, keyStart, keyEnd) {
					return false
				}
			}
			if !s.value(child) {
				return false
			}
			more, ok := s.next('}')
			if !ok {
				return false
			}
			if !more {
				break
			}
		}
	}
	s.nspans = first
	s.depth--
	if n == nil {
		return true
	}
	return seen&n.required == n.required && !n.extraRequired &&
		keys >= n.minProps && (n.maxProps < 0 || keys <= n.maxProps)
}

// next reads what follows a member or an element: close ends the object
// or array (more false), a comma announces another (more true); ok is
// false for anything else.
func (s *scan) next(close byte) (more, ok bool) {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return false, false
	}
	switch s.data[s.pos] {
	case close:
		s.pos++
		return false, true
	case ',':
		s.pos++
		return true, true
	}
	return false, false
}

// push adds the span [start, end) to those from first on, unless it
// repeats one of them or no room is left.
func (s *scan) push(first, start, end int) bool {
	if s.nspans == len(s.spans) {
		return false
	}
	b := s.data[start:end]
	for _, sp := range s.spans[first:s.nspans] {
		if bytes.Equal(s.data[sp.start:sp.end], b) {
			return false
		}
	}
	s.spans[s.nspans] = span{int32(start), int32(end)}
	s.nspans++
	return true
}

func (s *scan) array(n *node) bool {
	if !n.allows(kindArray) || n != nil && (n.enum != nil || n.cnst != nil || n.format != nil) || !s.enter() {
		return false
	}
	s.pos++ // [
	first := s.nspans
	unique := n != nil && n.unique
	var items *node
	if n != nil {
		items = n.items
	}
	count := 0
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
	} else {
		for {
			s.skipSpace()
			at := s.pos
			if !s.value(items) {
				return false
			}
			count++
			if unique {
				// Strings without escapes, true, false and null are equal
				// when their bytes are; numbers, arrays and objects are left
				// to the full path.
				if c := s.data[at]; c == '-' || c >= '0' && c <= '9' || c == '[' || c == '{' {
					return false
				}
				if !s.push(first, at, s.pos) {
					return false
				}
			}
			more, ok := s.next(']')
			if !ok {
				return false
			}
			if !more {
				break
			}
		}
	}
	s.nspans = first
	s.depth--
	if n == nil {
		return true
	}
	return count >= n.minItems && (n.maxItems < 0 || count <= n.maxItems)
}
