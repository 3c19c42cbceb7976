// Command gen writes a synthetic schemas repository for benchmarks: a
// git fast-import stream of N schemas and M commits, each commit changing
// one to three schemas with realistic edits and version bumps. The same
// flags give the same stream, byte for byte.
//
//	go run ./compiler/internal/gen -schemas 1000 -commits 20000 | git -C repo fast-import --quiet
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
)

func main() {
	schemas := flag.Int("schemas", 1000, "number of schemas")
	commits := flag.Int("commits", 20000, "number of commits, the first adding every schema")
	seed := flag.Uint64("seed", 1, "random seed")
	badEvery := flag.Int("bad-every", 500, "make one commit in this many bump wrongly (0: never)")
	flag.Parse()
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	if err := generate(w, *schemas, *commits, *seed, *badEvery); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// field is one property of a synthetic schema.
type field struct {
	name     string
	kind     string // string, integer, number, enum, boolean
	required bool
	maxLen   int
	enum     []string
	desc     string
}

type schema struct {
	id                  string
	folder              string
	major, minor, patch int
	fields              []field
	nextField           int
}

func (s *schema) version() string { return fmt.Sprintf("%d.%d.%d", s.major, s.minor, s.patch) }

func (s *schema) path() string {
	return fmt.Sprintf("schemas/%s/%s.json", s.folder, s.id)
}

func (s *schema) render() string {
	var b strings.Builder
	fmt.Fprintf(&b, "{\n  \"id\": %q,\n  \"version\": %q,\n  \"schema\": \"http://json-schema.org/draft-07/schema#\",\n", s.id, s.version())
	fmt.Fprintf(&b, "  \"title\": %q,\n  \"type\": \"object\",\n  \"properties\": {\n", "Synthetic "+s.id)
	var req []string
	for i, f := range s.fields {
		fmt.Fprintf(&b, "    %q: {", f.name)
		switch f.kind {
		case "string":
			fmt.Fprintf(&b, "\"type\": \"string\", \"maxLength\": %d", f.maxLen)
		case "enum":
			q := make([]string, len(f.enum))
			for j, e := range f.enum {
				q[j] = fmt.Sprintf("%q", e)
			}
			fmt.Fprintf(&b, "\"type\": \"string\", \"enum\": [%s]", strings.Join(q, ", "))
		default:
			fmt.Fprintf(&b, "\"type\": %q", f.kind)
		}
		if f.desc != "" {
			fmt.Fprintf(&b, ", \"description\": %q", f.desc)
		}
		b.WriteString("}")
		if i < len(s.fields)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
		if f.required {
			req = append(req, fmt.Sprintf("%q", f.name))
		}
	}
	sort.Strings(req)
	fmt.Fprintf(&b, "  },\n  \"required\": [%s],\n  \"additionalProperties\": false\n}\n", strings.Join(req, ", "))
	return b.String()
}

func (s *schema) addField(r *rand.Rand, required bool) {
	kinds := []string{"string", "integer", "number", "enum", "boolean"}
	f := field{name: fmt.Sprintf("f%03d", s.nextField), kind: kinds[r.IntN(len(kinds))], required: required, maxLen: 16 + r.IntN(64)}
	if f.kind == "enum" {
		f.enum = []string{"A", "B", "C"}[:1+r.IntN(3)]
	}
	s.nextField++
	s.fields = append(s.fields, f)
}

// edit changes the schema and bumps its version: mostly compatible
// changes, sometimes annotations, sometimes breaking ones. A bad edit bumps
// by less than the change needs.
func (s *schema) edit(r *rand.Rand, bad bool) {
	need := 0 // 0 patch, 1 minor, 2 major
	switch x := r.IntN(100); {
	case x < 30:
		s.addField(r, false)
		need = 1
	case x < 45:
		i := r.IntN(len(s.fields))
		s.fields[i].desc = fmt.Sprintf("Revision %d of %s.", s.patch+s.minor+s.major, s.fields[i].name)
	case x < 60:
		i := r.IntN(len(s.fields))
		if s.fields[i].kind == "string" {
			s.fields[i].maxLen += 8
			need = 1
		} else {
			s.fields[i].desc = "Clarified."
		}
	case x < 75:
		i := r.IntN(len(s.fields))
		if f := &s.fields[i]; f.kind == "enum" {
			f.enum = append(f.enum, fmt.Sprintf("V%d", len(f.enum)))
			need = 1
		} else {
			s.addField(r, false)
			need = 1
		}
	case x < 88 && len(s.fields) > 3:
		i := r.IntN(len(s.fields))
		s.fields = append(s.fields[:i], s.fields[i+1:]...)
		need = 2
	default:
		s.addField(r, true)
		need = 2
	}
	if bad && need > 0 {
		need--
	}
	switch need {
	case 2:
		s.major, s.minor, s.patch = s.major+1, 0, 0
	case 1:
		s.minor, s.patch = s.minor+1, 0
	default:
		s.patch++
	}
}

func generate(w io.Writer, nSchemas, nCommits int, seed uint64, badEvery int) error {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	all := make([]*schema, nSchemas)
	for i := range all {
		s := &schema{id: fmt.Sprintf("s%05d_v1", i), folder: []string{"market", "reference", "risk", "ops"}[i%4], major: 1}
		for j := 0; j < 5+r.IntN(10); j++ {
			s.addField(r, j < 3)
		}
		all[i] = s
	}
	mark := 0
	blob := func(content string) int {
		mark++
		fmt.Fprintf(w, "blob\nmark :%d\ndata %d\n%s\n", mark, len(content), content)
		return mark
	}
	when := int64(1767225600) // 2026-01-01T00:00:00Z
	for c := 0; c < nCommits; c++ {
		var touched []*schema
		if c == 0 {
			touched = all
		} else {
			seen := map[int]bool{}
			for k := 0; k < 1+r.IntN(3); k++ {
				i := r.IntN(nSchemas)
				if !seen[i] {
					seen[i] = true
					bad := badEvery > 0 && c%badEvery == badEvery/2 && c < nCommits-10
					all[i].edit(r, bad)
					touched = append(touched, all[i])
				}
			}
		}
		marks := make([]int, len(touched))
		for i, s := range touched {
			marks[i] = blob(s.render())
		}
		when += 60 + int64(r.IntN(3600))
		msg := fmt.Sprintf("commit %d", c)
		fmt.Fprintf(w, "commit refs/heads/main\ncommitter Bench <bench@example.com> %d +0000\ndata %d\n%s\n", when, len(msg), msg)
		for i, s := range touched {
			fmt.Fprintf(w, "M 100644 :%d %s\n", marks[i], s.path())
		}
		w.Write([]byte("\n"))
	}
	return nil
}
