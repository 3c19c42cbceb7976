package compat

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/schemareg/schemareg/compiler/document"
)

// lineFinder finds the lines of changes in the documents they point into.
// It collects every pointer first, then reads each document once, going
// down only into the values on the way to a wanted pointer.
type lineFinder struct {
	old, new *sdoc
	want     map[*document.Document]map[string]bool
	index    map[*document.Document]*lineIndex
	any      bool // some change has a line
}

func newLineFinder(old, new *sdoc) *lineFinder {
	return &lineFinder{old: old, new: new, want: map[*document.Document]map[string]bool{}}
}

// locate returns the document and pointer a finding's line is read from:
// its own pointer in the compared document it points into, else its path in
// the new document.
func (l *lineFinder) locate(f finding) (*document.Document, string) {
	switch {
	case f.doc == l.old && l.old.main != nil:
		return l.old.main, f.ptr
	case f.doc == l.new && l.new.main != nil:
		return l.new.main, f.ptr
	case l.new.main != nil:
		return l.new.main, strings.TrimPrefix(f.path, "#")
	}
	return nil, ""
}

// ask registers a finding whose line will be needed: in the document it
// points into and, when that is the old one, in the new one too.
func (l *lineFinder) ask(f finding) {
	d, ptr := l.locate(f)
	if d == nil {
		return
	}
	l.want1(d, ptr)
	if l.isOld(d) && l.new.main != nil {
		l.want1(l.new.main, ptr)
	}
}

// want1 registers ptr and every prefix of it in d.
func (l *lineFinder) want1(d *document.Document, ptr string) {
	set := l.want[d]
	if set == nil {
		set = map[string]bool{}
		l.want[d] = set
	}
	for {
		set[ptr] = true
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			break
		}
		ptr = ptr[:i]
	}
	set[""] = true
}

// isOld reports whether d is the old document (and not the new one too).
func (l *lineFinder) isOld(d *document.Document) bool {
	return l.old.main != nil && d == l.old.main && d != l.new.main
}

// lines returns a finding's 1-based line in the new document and, for a
// finding that points into the old document, its line there; for such a
// finding the new line is that of the nearest enclosing value the new
// document has. 0 when unknown.
func (l *lineFinder) lines(f finding) (line, oldLine int) {
	d, ptr := l.locate(f)
	if d == nil {
		return 0, 0
	}
	if l.isOld(d) {
		oldLine = l.lineIn(d, ptr)
		if l.new.main != nil {
			line = l.lineIn(l.new.main, ptr)
		}
		return line, oldLine
	}
	return l.lineIn(d, ptr), 0
}

// lineIn returns the 1-based line of ptr, or of its nearest ancestor, in d.
func (l *lineFinder) lineIn(d *document.Document, ptr string) int {
	if len(d.Raw) == 0 {
		return 0
	}
	idx, ok := l.index[d]
	if !ok {
		idx = scanLines(d.Raw, l.want[d])
		if l.index == nil {
			l.index = map[*document.Document]*lineIndex{}
		}
		l.index[d] = idx
	}
	n := idx.line(ptr)
	if n > 0 {
		l.any = true
	}
	return n
}

// lineIndex maps JSON pointers to the offsets of their values.
type lineIndex struct {
	offsets  map[string]int
	newlines []int
}

// scanLines records the offset of the value at each wanted pointer (the
// set holds every prefix of every pointer wanted). data is valid JSON.
func scanLines(data []byte, want map[string]bool) *lineIndex {
	idx := &lineIndex{offsets: make(map[string]int, len(want))}
	s := lineScanner{data: data, want: want, idx: idx}
	s.value("")
	for i, c := range data {
		if c == '\n' {
			idx.newlines = append(idx.newlines, i)
		}
	}
	return idx
}

type lineScanner struct {
	data []byte
	pos  int
	want map[string]bool
	idx  *lineIndex
}

func (s *lineScanner) space() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// value reads the value at pos, whose pointer is ptr.
func (s *lineScanner) value(ptr string) {
	s.space()
	if s.pos >= len(s.data) {
		return
	}
	s.idx.offsets[ptr] = s.pos
	switch s.data[s.pos] {
	case '{':
		s.pos++
		for {
			s.space()
			if s.pos >= len(s.data) || s.data[s.pos] == '}' {
				s.pos++
				return
			}
			if s.data[s.pos] == ',' {
				s.pos++
				continue
			}
			key := s.key()
			s.space()
			s.pos++ // :
			child := ptr + "/" + document.EscapePointer(key)
			if s.want[child] {
				s.value(child)
			} else {
				s.skip()
			}
		}
	case '[':
		s.pos++
		for i := 0; ; i++ {
			s.space()
			if s.pos >= len(s.data) || s.data[s.pos] == ']' {
				s.pos++
				return
			}
			if s.data[s.pos] == ',' {
				s.pos++
				i--
				continue
			}
			child := ptr + "/" + strconv.Itoa(i)
			if s.want[child] {
				s.value(child)
			} else {
				s.skip()
			}
		}
	default:
		s.skip()
	}
}

// key reads an object key.
func (s *lineScanner) key() string {
	start := s.pos
	s.skipString()
	raw := s.data[start:s.pos]
	if len(raw) < 2 {
		return ""
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1])
	}
	var k string
	if err := json.Unmarshal(raw, &k); err != nil {
		return string(raw[1 : len(raw)-1])
	}
	return k
}

func (s *lineScanner) skipString() {
	s.pos++ // "
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case '\\':
			s.pos += 2
		case '"':
			s.pos++
			return
		default:
			s.pos++
		}
	}
}

// skip passes over one value.
func (s *lineScanner) skip() {
	s.space()
	depth := 0
	for s.pos < len(s.data) {
		switch c := s.data[s.pos]; c {
		case '"':
			s.skipString()
			if depth == 0 {
				return
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return
			}
			depth--
			if depth == 0 {
				s.pos++
				return
			}
		case ',':
			if depth == 0 {
				return
			}
		}
		s.pos++
	}
}

// line returns the line of the value at ptr, or of its longest prefix
// that was recorded; 0 when none was.
func (idx *lineIndex) line(ptr string) int {
	ptr = strings.TrimPrefix(ptr, "#")
	if ptr == "/" {
		ptr = ""
	}
	for {
		if off, ok := idx.offsets[ptr]; ok {
			return sort.SearchInts(idx.newlines, off) + 1
		}
		if ptr == "" {
			return 0
		}
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			return 0
		}
		ptr = ptr[:i]
	}
}
