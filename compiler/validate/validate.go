package validate

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/schemareg/schemareg/compiler/document"
)

// DefaultMaxBytes is the largest schema file validate accepts by default.
const DefaultMaxBytes = 1 << 20

// File is a schema file's path and content.
type File struct {
	Path string
	Data []byte
}

// TreeOptions configures CheckTree.
type TreeOptions struct {
	// MaxBytes rejects larger files; 0 means DefaultMaxBytes.
	MaxBytes int
}

// CheckTree checks a set of schema files as one registry: each file parses,
// carries valid registry fields, has an id equal to its base name, an id no
// other file has, and compiles as a JSON Schema with every $ref resolved
// inside the set. It returns the documents that passed, by path, and every
// problem, sorted by path, line and column.
func CheckTree(files []File, opts TreeOptions) (map[string]*document.Document, []document.Problem) {
	maxBytes := opts.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	sorted := append([]File(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	var problems []document.Problem
	report := func(err error) {
		var p *document.Problem
		if errors.As(err, &p) {
			problems = append(problems, *p)
		} else {
			problems = append(problems, document.Problem{Message: err.Error()})
		}
	}
	docs := map[string]*document.Document{}
	owner := map[string]string{} // id -> path
	var parsed []*document.Document
	for _, f := range sorted {
		if len(f.Data) > maxBytes {
			report(&document.Problem{Path: f.Path, Message: fmt.Sprintf("file is larger than the limit of %d bytes; split the schema or raise --max-bytes", maxBytes)})
			continue
		}
		d, err := document.ParseDocument(f.Path, f.Data)
		if err != nil {
			report(err)
			continue
		}
		if want := document.BaseName(f.Path); d.ID != want {
			report(d.ProblemAt("/id", "id %q does not match the file name %q; rename the file to %s.json or set \"id\": %q", d.ID, filepath.Base(f.Path), d.ID, want))
			continue
		}
		if first, dup := owner[d.ID]; dup {
			report(d.ProblemAt("/id", "duplicate id %q, already used by %s; ids are unique across the schemas folder", d.ID, first))
			continue
		}
		owner[d.ID] = f.Path
		parsed = append(parsed, d)
	}
	reg := NewRegistry(parsed...)
	reg.MissingPin = func(id, version string) string {
		if d, ok := reg.byID[id]; ok {
			return fmt.Sprintf("pinned to %s %s, but %s holds %s %s: validate reads the files, not the history; `schemareg check` and `compile` resolve a pin against the published versions", id, version, d.Path, id, d.Version)
		}
		return fmt.Sprintf("pinned to %s %s, and no file here has id %s", id, version, id)
	}
	for _, d := range parsed {
		if err := reg.Check(d); err != nil {
			report(err)
			continue
		}
		docs[d.Path] = d
	}
	SortProblems(problems)
	return docs, problems
}

// SortProblems sorts problems by path, line, column and message.
func SortProblems(ps []document.Problem) {
	sort.Slice(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Message < b.Message
	})
}
