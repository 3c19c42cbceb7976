package importrules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// testHelpers are the packages only tests import.
var testHelpers = []string{"internal/etcdtest", "internal/gittest", "internal/bundletest", "server/internal/testrepo", "server/internal/benchserver", "e2e/internal/..."}

// rules are the module's import rules. A pattern is a package path, or a
// path ending in "/..." for it and every package under it; a path whose
// first element has no dot is in this module ("..." alone is the whole
// module). A pattern starting with "!" takes packages out of the ones
// before it.
var rules = []rule{
	{"pure layers reach no etcd, gRPC or AWS", []string{"compiler/...", "internal/bundle", "render/...", "api/..."}, []string{"go.etcd.io/...", "google.golang.org/grpc/...", "github.com/aws/..."}},
	{"client reaches only api", []string{"client/..."}, []string{"...", "!api/...", "!client/..."}},
	{"server imports no syncer, site or action", []string{"server/...", "!server/internal/testrepo", "!server/internal/benchserver"}, []string{"syncer/...", "site/...", "action/..."}},
	{"syncer imports no server, site or action", []string{"syncer/..."}, []string{"server/...", "site/...", "action/..."}},
	{"site imports no server, syncer or action", []string{"site/..."}, []string{"server/...", "syncer/...", "action/..."}},
	{"action imports no server, syncer or site", []string{"action/..."}, []string{"server/...", "syncer/...", "site/..."}},
	{"only snapshot talks to S3", []string{"...", "!snapshot/...", "!cmd/...", "!internal/dev/...", "!e2e/..."}, []string{"github.com/aws/..."}},
	{"the etcd layout is the server's and the syncer's", []string{"...", "!server/...", "!syncer/...", "!snapshot/...", "!cmd/...", "!internal/dev/...", "!internal/etcdstore/...", "!internal/bundletest/...", "!e2e/..."}, []string{"internal/etcdstore/..."}},
	{"test helpers stay in tests", append([]string{"...", "!e2e/..."}, not(testHelpers)...), testHelpers},
}

// rule forbids the packages from matches to reach, through their non-test
// imports, any package forbid matches.
type rule struct {
	name   string
	from   []string
	forbid []string
}

func not(patterns []string) []string {
	out := make([]string, len(patterns))
	for i, p := range patterns {
		out[i] = "!" + p
	}
	return out
}

// TestImportRules checks the rules against the module's import graph.
func TestImportRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the whole module")
	}
	module, dir := goListModule(t)
	graph := goListDeps(t, module, dir)
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			roots, problems := check(graph, module, r)
			if roots == 0 {
				t.Fatalf("the rule's packages %v match no package of %s", r.from, module)
			}
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}

// TestCheck makes sure the checker finds a forbidden package however deep,
// names the shortest chain to it, leaves out what "!" excludes and passes
// a graph that keeps the rule.
func TestCheck(t *testing.T) {
	const m = "example.com/m"
	graph := map[string][]string{
		m + "/compiler":             {"fmt", m + "/compiler/semver", m + "/internal/bundle"},
		m + "/compiler/semver":      {"strings"},
		m + "/internal/bundle":      {"encoding/json", m + "/internal/store"},
		m + "/internal/store":       {"go.etcd.io/etcd/client/v3"},
		"go.etcd.io/etcd/client/v3": {"google.golang.org/grpc"},
		"google.golang.org/grpc":    nil,
		m + "/server":               {m + "/internal/store", m + "/api"},
		m + "/api":                  {"encoding/json"},
		m + "/client":               {m + "/api"},
		m + "/client/internal/x":    {m + "/server"},
	}
	tests := []struct {
		name  string
		rule  rule
		roots int
		want  []string
	}{
		{
			"Transitive",
			rule{"pure", []string{"compiler/...", "api"}, []string{"go.etcd.io/...", "google.golang.org/grpc/..."}},
			3,
			[]string{"compiler -> internal/bundle -> internal/store -> go.etcd.io/etcd/client/v3 (and 1 more forbidden package)"},
		},
		{
			"Direct",
			rule{"store", []string{"internal/store"}, []string{"go.etcd.io/..."}},
			1,
			[]string{"internal/store -> go.etcd.io/etcd/client/v3"},
		},
		{
			"ModuleExceptions",
			rule{"client", []string{"client/..."}, []string{"...", "!api/...", "!client/..."}},
			2,
			[]string{"client/internal/x -> server (and 1 more forbidden package)"},
		},
		{
			"Excluded",
			rule{"client", []string{"client/...", "!client/internal/..."}, []string{"...", "!api/...", "!client/..."}},
			1,
			nil,
		},
		{
			"Kept",
			rule{"api", []string{"api"}, []string{"go.etcd.io/..."}},
			1,
			nil,
		},
		{
			"NoPackage",
			rule{"render", []string{"render/..."}, []string{"go.etcd.io/..."}},
			0,
			nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			roots, got := check(graph, m, tt.rule)
			if roots != tt.roots {
				t.Errorf("%d packages checked, want %d", roots, tt.roots)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// check returns how many packages of graph r applies to and, for each that
// reaches a forbidden package, the shortest chain of imports to one.
func check(graph map[string][]string, module string, r rule) (roots int, problems []string) {
	pkgs := make([]string, 0, len(graph))
	for p := range graph {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, root := range pkgs {
		if !matches(r.from, module, root) {
			continue
		}
		roots++
		// A breadth-first walk: the first forbidden package found has the
		// shortest chain.
		parent := map[string]string{root: ""}
		queue := []string{root}
		var first string
		more := 0
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			for _, imp := range graph[p] {
				if _, seen := parent[imp]; seen {
					continue
				}
				parent[imp] = p
				if matches(r.forbid, module, imp) {
					if first == "" {
						first = imp
					} else {
						more++
					}
				}
				queue = append(queue, imp)
			}
		}
		if first == "" {
			continue
		}
		var chain []string
		for p := first; p != ""; p = parent[p] {
			chain = append(chain, short(module, p))
		}
		for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
			chain[i], chain[j] = chain[j], chain[i]
		}
		msg := strings.Join(chain, " -> ")
		switch more {
		case 0:
		case 1:
			msg += " (and 1 more forbidden package)"
		default:
			msg += fmt.Sprintf(" (and %d more forbidden packages)", more)
		}
		problems = append(problems, msg)
	}
	return roots, problems
}

// matches reports whether pkg is matched by patterns: by one without "!"
// and by no "!" one after it.
func matches(patterns []string, module, pkg string) bool {
	in := false
	for _, p := range patterns {
		if neg, ok := strings.CutPrefix(p, "!"); ok {
			if in && match(neg, module, pkg) {
				in = false
			}
		} else if match(p, module, pkg) {
			in = true
		}
	}
	return in
}

func match(pattern, module, pkg string) bool {
	if pattern == "..." {
		pattern = module + "/..."
	} else if first, _, _ := strings.Cut(pattern, "/"); !strings.Contains(first, ".") {
		pattern = module + "/" + pattern
	}
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}

func short(module, pkg string) string {
	if rest, ok := strings.CutPrefix(pkg, module+"/"); ok {
		return rest
	}
	return pkg
}

// goListModule returns the module's path and directory.
func goListModule(t *testing.T) (path, dir string) {
	t.Helper()
	out := goCommand(t, "", "list", "-m", "-f", "{{.Path}} {{.Dir}}")
	path, dir, ok := strings.Cut(strings.TrimSpace(string(out)), " ")
	if !ok {
		t.Fatalf("go list -m: %q", out)
	}
	return path, dir
}

// goListDeps returns the non-test import graph of every package of the
// module in dir and of everything they import: package -> its imports.
// It stats the module's go.mod, folders and Go files, so that go test's
// cache, which sees what the test reads but not what the go command it
// runs reads, runs the test again when they change.
func goListDeps(t *testing.T, module, dir string) map[string][]string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatal(err)
	}
	out := goCommand(t, dir, "list", "-deps", "-json=ImportPath,Dir,GoFiles,Imports,Error", "./...")
	graph := map[string][]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath string
			Dir        string
			GoFiles    []string
			Imports    []string
			Error      *struct{ Err string }
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list -deps -json: %v", err)
		}
		if p.Error != nil {
			t.Fatalf("go list: %s: %s", p.ImportPath, p.Error.Err)
		}
		graph[p.ImportPath] = p.Imports
		if match("...", module, p.ImportPath) {
			if _, err := os.ReadDir(p.Dir); err != nil {
				t.Fatal(err)
			}
			for _, f := range p.GoFiles {
				if _, err := os.Stat(filepath.Join(p.Dir, f)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if len(graph) == 0 {
		t.Fatal("go list -deps -json listed no package")
	}
	return graph
}

func goCommand(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}
