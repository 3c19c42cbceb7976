package fastrow

import (
	"encoding/json"
	"math"
	"strconv"
)

// literal is a number as written in the row.
type literal struct {
	text     []byte
	mantissa []byte // the digits before the exponent, with the '.' if any
	integer  bool   // written without fraction or exponent
	exp      []byte // the exponent's digits without leading zeros and sign
}

// number scans a number at s.pos as the registry's parser does and checks
// it against n.
func (s *scan) number(n *node) bool {
	start := s.pos
	var lit literal
	if s.data[s.pos] == '-' {
		s.pos++
	}
	intStart := s.pos
	if d := s.digits(); d == 0 || d > 1 && s.data[intStart] == '0' {
		return false
	}
	lit.integer = true
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		s.pos++
		if s.digits() == 0 {
			return false
		}
		lit.integer = false
	}
	lit.mantissa = s.data[intStart:s.pos]
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		s.pos++
		lit.integer = false
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		expStart := s.pos
		if s.digits() == 0 {
			return false
		}
		lit.exp = s.data[expStart:s.pos]
		for len(lit.exp) > 0 && lit.exp[0] == '0' {
			lit.exp = lit.exp[1:]
		}
		if len(lit.exp) > 5 {
			return false
		}
		if e, _ := strconv.Atoi(view(lit.exp)); e > maxNumberExponent {
			return false
		}
	}
	lit.text = s.data[start:s.pos]
	if len(lit.text) > maxNumberLength {
		return false
	}
	return n == nil || n.number(&lit)
}

func (s *scan) digits() int {
	n := 0
	for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
		s.pos++
		n++
	}
	return n
}

// number checks a number against n.
func (n *node) number(lit *literal) bool {
	switch {
	case n.never:
		return false
	case n.types == 0, n.types&kindNumber != 0:
	case n.types&kindInteger != 0 && lit.integer:
	default:
		return false
	}
	if n.enum != nil || n.cnst != nil || n.multipleOf != 0 {
		i, ok := lit.int64()
		if !ok || n.enum != nil && !n.enum.hasInt(i) || n.cnst != nil && !n.cnst.hasInt(i) ||
			n.multipleOf != 0 && i%n.multipleOf != 0 {
			return false
		}
	}
	if n.min != nil || n.max != nil || n.exMin != nil || n.exMax != nil {
		var v float64
		var exact, parsed, ok bool
		cmp := func(b *bound) (int, bool) {
			if b.sign == 0 {
				return lit.sign(), true
			}
			if !parsed {
				v, exact, ok = lit.float()
				parsed = true
			}
			if !ok {
				return 0, false
			}
			return b.cmp(v, exact)
		}
		if n.min != nil {
			if c, ok := cmp(n.min); !ok || c < 0 {
				return false
			}
		}
		if n.max != nil {
			if c, ok := cmp(n.max); !ok || c > 0 {
				return false
			}
		}
		if n.exMin != nil {
			if c, ok := cmp(n.exMin); !ok || c <= 0 {
				return false
			}
		}
		if n.exMax != nil {
			if c, ok := cmp(n.exMax); !ok || c >= 0 {
				return false
			}
		}
	}
	return n.format == nil || n.format.Validate(json.Number(lit.text)) == nil
}

// sign returns the sign of the literal's value, which its text tells.
func (lit *literal) sign() int {
	for _, c := range lit.mantissa {
		if c != '0' && c != '.' {
			if lit.text[0] == '-' {
				return -1
			}
			return 1
		}
	}
	return 0
}

// int64 returns the value of an integer literal of at most 18 digits.
func (lit *literal) int64() (int64, bool) {
	if !lit.integer || len(lit.mantissa) > 18 {
		return 0, false
	}
	i, err := strconv.ParseInt(view(lit.text), 10, 64)
	return i, err == nil
}

// float returns the value of a short literal as the nearest float64: either
// exactly zero or of a magnitude within [1e-300, 1e300], the range where
// bound.cmp can tell the order; ok is false otherwise. exact reports that
// v is the literal's value: zero, or an integer of at most 15 digits.
func (lit *literal) float() (v float64, exact, ok bool) {
	if len(lit.text) > 32 || len(lit.exp) > 3 {
		return 0, false, false
	}
	v, err := strconv.ParseFloat(view(lit.text), 64)
	if err != nil {
		return 0, false, false
	}
	if v == 0 {
		for _, c := range lit.mantissa {
			if c != '0' && c != '.' {
				return 0, false, false // too small for float64
			}
		}
		return 0, true, true
	}
	if a := math.Abs(v); a < 1e-300 || a > 1e300 {
		return 0, false, false
	}
	return v, lit.integer && len(lit.mantissa) <= 15, true
}

func (sc *scalars) hasInt(i int64) bool {
	for _, v := range sc.ints {
		if v == i {
			return true
		}
	}
	return false
}
