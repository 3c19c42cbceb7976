package text

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// HasControl reports whether s holds a control character (C0, DEL, C1) or
// a Unicode line or paragraph separator: a character that, printed, can
// end a line or rewrite a terminal, and so forge a log line or a GitHub
// workflow command.
func HasControl(s string) bool {
	return strings.IndexFunc(s, isControl) >= 0
}

// QuoteControl returns s with each control character written as a Go
// escape (\n, \r, \t, \x1b, \u2028), so that what it prints stays on one
// line and shows what is there. Text without one comes back unchanged.
func QuoteControl(s string) string {
	if !HasControl(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isControl(r) {
			// Bytes that are not UTF-8 pass as they are.
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		i += size
		switch r {
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		}
	}
	return b.String()
}

func isControl(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
}
