package compiler

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/schemareg/schemareg/internal/gittest"
)

// testRepo is a real Git repository in a test's temporary folder.
type testRepo struct {
	*gittest.Repo
	dir string
}

func newTestRepo(t testing.TB) *testRepo {
	r := gittest.New(t)
	return &testRepo{Repo: r, dir: r.Dir}
}

func (r *testRepo) write(path, content string) { r.Write(path, content) }
func (r *testRepo) remove(path string)         { r.Remove(path) }
func (r *testRepo) commit(msg string, parents ...plumbing.Hash) plumbing.Hash {
	return r.Commit(msg, parents...)
}
func (r *testRepo) head() plumbing.Hash                 { return r.Head() }
func (r *testRepo) checkout(branch string, create bool) { r.Checkout(branch, create) }

// prop is one property of a test schema.
type prop struct {
	name, schema string
	required     bool
}

// schemaJSON writes a registry document with the given properties.
func schemaJSON(id, version string, extra string, props ...prop) string {
	var ps, req []string
	for _, p := range props {
		ps = append(ps, fmt.Sprintf("    %q: %s", p.name, p.schema))
		if p.required {
			req = append(req, fmt.Sprintf("%q", p.name))
		}
	}
	sort.Strings(req)
	if extra != "" {
		extra = "\n  " + extra + ","
	}
	return fmt.Sprintf(`{
  "id": %q,
  "version": %q,%s
  "type": "object",
  "properties": {
%s
  },
  "required": [%s],
  "additionalProperties": false
}
`, id, version, extra, strings.Join(ps, ",\n"), strings.Join(req, ", "))
}

var (
	propTS     = prop{"ts", `{"type": "string", "format": "date-time"}`, true}
	propSymbol = prop{"symbol", `{"type": "string"}`, true}
	propPrice  = prop{"price", `{"type": "number"}`, true}
	propSide   = prop{"side", `{"type": "string", "enum": ["B", "S"]}`, true}
	propVenue  = prop{"venue", `{"type": "string"}`, false}
)
