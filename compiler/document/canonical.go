package document

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Canonical returns the canonical JSON encoding of a decoded document: object
// keys sorted by their UTF-16 code units (RFC 8785), no insignificant white
// space, numbers in their shortest exact form (1.0 is 1, 1e2 is 100), strings
// with only the escapes JSON requires. Equal documents, however they were
// spelled, have equal canonical bytes.
func Canonical(v any) []byte {
	var buf bytes.Buffer
	writeCanonical(&buf, v)
	return buf.Bytes()
}

func writeCanonical(buf *bytes.Buffer, v any) {
	switch v := v.(type) {
	case nil:
		buf.WriteString("null")
	case bool:
		if v {
			buf.WriteString("true")
		} else {
			buf.WriteString("false")
		}
	case json.Number:
		buf.WriteString(CanonicalNumber(string(v)))
	case float64:
		buf.WriteString(CanonicalNumber(strconv.FormatFloat(v, 'g', -1, 64)))
	case int:
		buf.WriteString(strconv.Itoa(v))
	case string:
		writeString(buf, v)
	case []any:
		buf.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeCanonical(buf, e)
		}
		buf.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sortKeys(keys)
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeString(buf, k)
			buf.WriteByte(':')
			writeCanonical(buf, v[k])
		}
		buf.WriteByte('}')
	default:
		// Only the decoder's types reach here; anything else is encoded
		// the standard way rather than dropped.
		data, _ := json.Marshal(v)
		buf.Write(data)
	}
}

// sortKeys sorts keys by UTF-16 code units, as RFC 8785 does. For keys in
// the Basic Multilingual Plane that is byte order.
func sortKeys(keys []string) {
	ascii := true
	for _, k := range keys {
		for i := 0; i < len(k); i++ {
			if k[i] >= utf8.RuneSelf {
				ascii = false
				break
			}
		}
	}
	if ascii {
		sort.Strings(keys)
		return
	}
	sort.Slice(keys, func(i, j int) bool { return lessUTF16(keys[i], keys[j]) })
}

func lessUTF16(a, b string) bool {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return ua[i] < ub[i]
		}
	}
	return len(ua) < len(ub)
}

const hexDigits = "0123456789abcdef"

func writeString(buf *bytes.Buffer, s string) {
	buf.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		buf.WriteString(s[start:i])
		switch c {
		case '"':
			buf.WriteString(`\"`)
		case '\\':
			buf.WriteString(`\\`)
		case '\n':
			buf.WriteString(`\n`)
		case '\r':
			buf.WriteString(`\r`)
		case '\t':
			buf.WriteString(`\t`)
		case '\b':
			buf.WriteString(`\b`)
		case '\f':
			buf.WriteString(`\f`)
		default:
			buf.WriteString(`\u00`)
			buf.WriteByte(hexDigits[c>>4])
			buf.WriteByte(hexDigits[c&0xf])
		}
		start = i + 1
	}
	buf.WriteString(s[start:])
	buf.WriteByte('"')
}

// canonicalNumber returns the shortest exact spelling of a JSON number:
// integers without fraction or exponent, other numbers in the shortest form
// that round-trips through float64. Exponents too large to expand are kept in
// exponent form.
func CanonicalNumber(s string) string {
	if isPlainInt(s) {
		if s == "-0" {
			return "0"
		}
		return s
	}
	_, exp, _ := strings.Cut(strings.ToLower(s), "e")
	if e, err := strconv.Atoi(exp); exp == "" || err == nil && e > -400 && e < 400 {
		r, ok := new(big.Rat).SetString(s)
		if ok && r.IsInt() {
			if r.Sign() == 0 {
				return "0"
			}
			if n := r.Num().String(); len(n) <= MaxNumberLength {
				return n
			}
			return s // spelled out, it would be longer than a number may be
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return s
	}
	if f == 0 {
		return "0"
	}
	g := strconv.FormatFloat(f, 'g', -1, 64)
	if g != s {
		// Rounding may land on an integer (6.9999999999999999e15 is 7e+15):
		// spell it the way the integer itself is spelled, so the form is a
		// fixed point.
		return CanonicalNumber(g)
	}
	return g
}

func isPlainInt(s string) bool {
	if s == "" {
		return false
	}
	i := 0
	if s[0] == '-' {
		i = 1
	}
	if i == len(s) {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
