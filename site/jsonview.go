package site

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/url"
	"strconv"
	"strings"
)

// jsonLines is a JSON document indented for reading.
type jsonLines struct {
	data  []byte // as given
	text  string
	lines []string // text, one string per line
}

// indentJSON indents JSON text by two spaces, one member or element per
// line, keeping its key order; empty objects and arrays stay on one line.
func indentJSON(data []byte) *jsonLines {
	text := indent(data, nil, nil)
	return &jsonLines{data: data, text: text, lines: strings.Split(text, "\n")}
}

// locate returns the 0-based line of each value named by a change path, a
// JSON pointer in URI fragment form, or of the closest value above it; a
// path that names nothing above the root is left out. exact tells which
// paths name a value of the document itself.
func (j *jsonLines) locate(paths []string) (lines map[string]int, exact map[string]bool) {
	wanted := map[string]bool{}
	pointers := make([]string, len(paths))
	for i, p := range paths {
		ptr, err := url.PathUnescape(strings.TrimPrefix(p, "#"))
		if err != nil {
			continue
		}
		pointers[i] = ptr
		for {
			wanted[ptr] = true
			k := strings.LastIndexByte(ptr, '/')
			if k < 0 {
				break
			}
			ptr = ptr[:k]
		}
	}
	at := map[string]int{}
	indent(j.data, wanted, at)
	lines, exact = map[string]int{}, map[string]bool{}
	for i, ptr := range pointers {
		if _, ok := at[ptr]; ok {
			exact[paths[i]] = true
		}
		for {
			if n, ok := at[ptr]; ok {
				lines[paths[i]] = n
				break
			}
			k := strings.LastIndexByte(ptr, '/')
			if k < 0 {
				break
			}
			ptr = ptr[:k]
		}
	}
	return lines, exact
}

// indent returns data indented; with at set, it only records in at the
// line of every value whose JSON pointer is wanted instead.
func indent(data []byte, wanted map[string]bool, at map[string]int) string {
	type frame struct {
		object bool
		index  int
		base   int // len(ptr) before the frame's own token
	}
	build := at == nil
	var stack []frame
	var ptr []byte // the pointer of the value being read
	var b strings.Builder
	if build {
		b.Grow(len(data) + len(data)/2)
	}
	depth, line := 0, 0
	newline := func() {
		line++
		if build {
			b.WriteByte('\n')
			for range depth {
				b.WriteString("  ")
			}
		}
	}
	write := func(p []byte) {
		if build {
			b.Write(p)
		}
	}
	mark := func() {
		if !build && wanted[string(ptr)] {
			at[string(ptr)] = line
		}
	}
	skipSpace := func(i int) int {
		for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
			i++
		}
		return i
	}
	expectKey := false
	mark()
	for i := skipSpace(0); i < len(data); i = skipSpace(i) {
		switch c := data[i]; c {
		case '"':
			j := i + 1
			for j < len(data) && data[j] != '"' {
				if data[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(data))
			if expectKey && len(stack) > 0 && !build {
				ptr = append(append(ptr[:stack[len(stack)-1].base], '/'), escapePointer(decodeKey(data[i:j]))...)
			}
			write(data[i:j])
			i = j
		case '{', '[':
			close := byte('}')
			if c == '[' {
				close = ']'
			}
			if k := skipSpace(i + 1); k < len(data) && data[k] == close {
				write([]byte{c, close})
				i = k + 1
				continue
			}
			write(data[i : i+1])
			stack = append(stack, frame{object: c == '{', base: len(ptr)})
			depth++
			newline()
			expectKey = c == '{'
			if c == '[' && !build {
				ptr = append(ptr, "/0"...)
				mark()
			}
			i++
		case '}', ']':
			if n := len(stack); n > 0 {
				ptr = ptr[:stack[n-1].base]
				stack = stack[:n-1]
			}
			depth = max(depth-1, 0)
			newline()
			write(data[i : i+1])
			i++
		case ',':
			write(data[i : i+1])
			newline()
			if n := len(stack); n > 0 {
				if stack[n-1].object {
					expectKey = true
				} else if !build {
					stack[n-1].index++
					ptr = strconv.AppendInt(append(ptr[:stack[n-1].base], '/'), int64(stack[n-1].index), 10)
					mark()
				}
			}
			i++
		case ':':
			if build {
				b.WriteString(": ")
			}
			expectKey = false
			mark()
			i++
		default:
			j := i
			for j < len(data) && !strings.ContainsRune(",:{}[]\" \t\r\n", rune(data[j])) {
				j++
			}
			if j == i {
				j++
			}
			write(data[i:j])
			i = j
		}
	}
	return b.String()
}

// decodeKey returns the string a quoted JSON key holds.
func decodeKey(quoted []byte) string {
	if len(quoted) >= 2 && !bytes.ContainsRune(quoted, '\\') {
		return string(quoted[1 : len(quoted)-1])
	}
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return string(quoted)
	}
	return s
}

// escapePointer escapes one token of a JSON pointer.
func escapePointer(tok string) string {
	if !strings.ContainsAny(tok, "~/") {
		return tok
	}
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

// preHTML returns text escaped for the content of a <pre> or any element:
// the characters that start markup or a character reference are escaped,
// quotes need not be outside attributes.
func preHTML(text string) template.HTML {
	var b strings.Builder
	b.Grow(len(text) + len(text)/8)
	writeEscaped(&b, text)
	return template.HTML(b.String())
}

// writeEscaped writes text escaped for element content.
func writeEscaped(b *strings.Builder, text string) {
	last := 0
	for i := 0; i < len(text); i++ {
		var esc string
		switch text[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case 0:
			esc = "\uFFFD"
		default:
			continue
		}
		b.WriteString(text[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(text[last:])
}
