package document

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of arrays and objects a document may have.
const MaxDepth = 256

// Limits of one number. Validation compares numbers exactly, as
// arbitrary-precision rationals: a longer spelling or a larger exponent
// costs time and memory no real value needs, and an exponent past what
// math/big accepts would make the comparison fail.
const (
	// MaxNumberLength is the longest spelling of a number, in bytes.
	MaxNumberLength = 1000
	// MaxNumberExponent is the largest magnitude of a number's exponent.
	MaxNumberExponent = 10000
)

// SyntaxError is a JSON syntax error at a position in a file.
type SyntaxError struct {
	Offset    int // byte offset of the error
	Line, Col int // 1-based; Col counts bytes
	Msg       string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
}

// parser decodes JSON into map[string]any, []any, json.Number, string, bool
// and nil, rejecting duplicate keys, invalid UTF-8 and nesting deeper than
// MaxDepth. With track set it records the offset of every value by its JSON
// pointer.
type parser struct {
	data  []byte
	pos   int
	depth int
	track func(pointer string, offset int) bool // returns false to stop
	stop  bool
}

// parseJSON decodes data as one JSON value.
func ParseJSON(data []byte) (any, error) {
	p := &parser{data: data}
	return p.parseDocument()
}

func (p *parser) parseDocument() (any, error) {
	if !utf8.Valid(p.data) {
		off := invalidUTF8Offset(p.data)
		return nil, p.errAt(off, "invalid UTF-8; save the file as UTF-8")
	}
	p.skipSpace()
	if p.pos == len(p.data) {
		return nil, p.errAt(p.pos, "empty document; a schema is a JSON object")
	}
	v, err := p.value("")
	if err != nil || p.stop {
		return v, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return nil, p.errAt(p.pos, "unexpected "+p.describe(p.pos)+" after the top-level value")
	}
	return v, nil
}

func invalidUTF8Offset(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}

func (p *parser) errAt(off int, msg string) *SyntaxError {
	line, col := position(p.data, off)
	return &SyntaxError{Offset: off, Line: line, Col: col, Msg: msg}
}

// position returns the 1-based line and column of a byte offset.
func position(data []byte, off int) (line, col int) {
	if off > len(data) {
		off = len(data)
	}
	line = 1
	start := 0
	for i := 0; i < off; i++ {
		if data[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return line, off - start + 1
}

func (p *parser) describe(off int) string {
	if off >= len(p.data) {
		return "end of file"
	}
	c := p.data[off]
	if c < 0x20 || c >= 0x7f {
		return fmt.Sprintf("byte 0x%02x", c)
	}
	return "'" + string(c) + "'"
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value(ptr string) (any, error) {
	if p.track != nil && !p.track(ptr, p.pos) {
		p.stop = true
		return nil, nil
	}
	if p.pos >= len(p.data) {
		return nil, p.errAt(p.pos, "unexpected end of file; the document is cut short")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(ptr)
	case c == '[':
		return p.array(ptr)
	case c == '"':
		return p.str()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return nil, p.errAt(p.pos, "unexpected "+p.describe(p.pos)+"; expected a JSON value")
}

func (p *parser) literal(word string) error {
	if !strings.HasPrefix(string(p.data[p.pos:min(len(p.data), p.pos+len(word))]), word) {
		return p.errAt(p.pos, "invalid literal; expected "+word)
	}
	p.pos += len(word)
	return nil
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > MaxDepth {
		return p.errAt(p.pos, fmt.Sprintf("nesting deeper than %d levels of arrays and objects; flatten the document", MaxDepth))
	}
	return nil
}

func (p *parser) object(ptr string) (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.pos++ // {
	m := map[string]any{}
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return m, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			if p.pos < len(p.data) && p.data[p.pos] == '}' {
				return nil, p.errAt(p.pos, "trailing comma before '}'")
			}
			return nil, p.errAt(p.pos, "unexpected "+p.describe(p.pos)+"; expected a quoted property name")
		}
		keyAt := p.pos
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		key := k.(string)
		if _, dup := m[key]; dup {
			return nil, p.errAt(keyAt, fmt.Sprintf("duplicate key %q; a key may appear once per object", key))
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.errAt(p.pos, "unexpected "+p.describe(p.pos)+"; expected ':' after the property name")
		}
		p.pos++
		p.skipSpace()
		var child string
		if p.track != nil {
			child = ptr + "/" + EscapePointer(key)
		}
		v, err := p.value(child)
		if err != nil || p.stop {
			return nil, err
		}
		m[key] = v
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.errAt(p.pos, "unexpected end of file; expected ',' or '}'")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return m, nil
		default:
			return nil, p.errAt(p.pos, "unexpected "+p.describe(p.pos)+"; expected ',' or '}'")
		}
	}
}

func (p *parser) array(ptr string) (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.pos++ // [
	a := []any{}
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return a, nil
	}
	for {
		p.skipSpace()
		if p.pos < len(p.data) && p.data[p.pos] == ']' {
			return nil, p.errAt(p.pos, "trailing comma before ']'")
		}
		var child string
		if p.track != nil {
			child = ptr + "/" + strconv.Itoa(len(a))
		}
		v, err := p.value(child)
		if err != nil || p.stop {
			return nil, err
		}
		a = append(a, v)
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.errAt(p.pos, "unexpected end of file; expected ',' or ']'")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return a, nil
		default:
			return nil, p.errAt(p.pos, "unexpected "+p.describe(p.pos)+"; expected ',' or ']'")
		}
	}
}

func (p *parser) str() (any, error) {
	start := p.pos
	p.pos++ // "
	// Fast path: no escapes.
	for i := p.pos; i < len(p.data); i++ {
		c := p.data[i]
		if c == '"' {
			s := string(p.data[p.pos:i])
			p.pos = i + 1
			return s, nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return nil, p.errAt(i, "control character in string; escape it")
		}
	}
	var b strings.Builder
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return b.String(), nil
		case c < 0x20:
			return nil, p.errAt(p.pos, "control character in string; escape it")
		case c != '\\':
			b.WriteByte(c)
			p.pos++
			continue
		}
		if p.pos+1 >= len(p.data) {
			break
		}
		esc := p.data[p.pos+1]
		p.pos += 2
		switch esc {
		case '"', '\\', '/':
			b.WriteByte(esc)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return nil, p.errAt(p.pos-2, `invalid \u escape; expected 4 hex digits`)
			}
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
					p.pos += 2
					if s, ok := p.hex4(); ok {
						r2 = s
					}
				}
				r = utf16.DecodeRune(r, r2)
			}
			b.WriteRune(r)
		default:
			return nil, p.errAt(p.pos-2, fmt.Sprintf("invalid escape \\%c in string", esc))
		}
	}
	return nil, p.errAt(start, "unterminated string")
}

func (p *parser) hex4() (rune, bool) {
	if p.pos+4 > len(p.data) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(p.data[p.pos:p.pos+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	p.pos += 4
	return rune(n), true
}

func (p *parser) number() (any, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	intStart := p.pos
	if n := digits(); n == 0 {
		return nil, p.errAt(p.pos, "invalid number; expected a digit")
	} else if n > 1 && p.data[intStart] == '0' {
		return nil, p.errAt(intStart, "invalid number; leading zeros are not allowed")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return nil, p.errAt(p.pos, "invalid number; expected a digit after '.'")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		expStart := p.pos
		if digits() == 0 {
			return nil, p.errAt(p.pos, "invalid number; expected a digit in the exponent")
		}
		exp := strings.TrimLeft(string(p.data[expStart:p.pos]), "0")
		if e, err := strconv.Atoi(exp); exp != "" && (err != nil || e > MaxNumberExponent) {
			return nil, p.errAt(expStart, fmt.Sprintf("number exponent out of range; an exponent is at most %d in magnitude", MaxNumberExponent))
		}
	}
	if n := p.pos - start; n > MaxNumberLength {
		return nil, p.errAt(start, fmt.Sprintf("number of %d characters; a number has at most %d", n, MaxNumberLength))
	}
	return json.Number(p.data[start:p.pos]), nil
}

// escapePointer escapes a key for a JSON pointer (RFC 6901).
func EscapePointer(key string) string {
	if !strings.ContainsAny(key, "~/") {
		return key
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(key)
}

// LookupPointer returns the value at an RFC 6901 JSON pointer ("" is the
// root, "/a/0" the first element of a) in a decoded document.
func LookupPointer(root any, pointer string) (any, bool) {
	if pointer == "" {
		return root, true
	}
	if pointer[0] != '/' {
		return nil, false
	}
	cur := root
	for _, tok := range strings.Split(pointer[1:], "/") {
		tok = UnescapePointer(tok)
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// unescapePointer undoes escapePointer for one token of a JSON pointer.
func UnescapePointer(tok string) string {
	if !strings.Contains(tok, "~") {
		return tok
	}
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
}

// offsetOf returns the byte offset of the value at pointer (RFC 6901, with or
// without a leading '#'), or of its longest prefix that exists.
func offsetOf(data []byte, pointer string) (int, bool) {
	pointer = strings.TrimPrefix(pointer, "#")
	best, found := 0, false
	p := &parser{data: data}
	p.track = func(ptr string, off int) bool {
		if ptr == pointer || strings.HasPrefix(pointer, ptr+"/") || ptr == "" {
			best, found = off, true
		}
		return ptr != pointer
	}
	p.parseDocument()
	return best, found
}
