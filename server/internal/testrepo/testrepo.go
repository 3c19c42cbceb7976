// Package testrepo builds a real Git repository of schemas with a history,
// compiles it and publishes it into etcd, for the server's tests and its
// benchmark: what they serve is what the compiler and the syncer make of
// a repository.
//
//	r, err := testrepo.Build(dir, "../../schemas", 0)
//	b, err := r.Compile(ctx)
//	_, err = testrepo.Publish(ctx, cli, b)
//
// The history: the repository's schemas at their versions, except
// ticks_v1 and quotes_v1, which start one step back:
//
//	commit 1  every schema; ticks_v1 1.0.0 without "exchange", quotes_v1 1.0.0 without "venue"
//	commit 2  ticks_v1 1.1.0 adds the optional "exchange"
//	commit 3  ticks_v1 1.1.1 as the source has it (descriptions only)
//	commit 4  quotes_v1 1.1.0 as the source has it
//
// plus, in commit 1, extra synthetic schemas "synthetic_0000", ...
package testrepo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/syncer"
)

// Branch is the repository's branch.
const Branch = "main"

// Repo is a repository Build made.
type Repo struct {
	Dir string
	// Commits are the hashes of its commits, oldest first.
	Commits []string
	repo    *git.Repository
	clock   time.Time
}

// Build makes the repository in dir from the schema files under src (the
// schemas folder of this project) and extra synthetic schemas.
func Build(dir, src string, extra int) (*Repo, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		files["schemas/"+filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read schemas %s: %w", src, err)
	}
	ticks, quotes := "schemas/ticks_v1.json", "schemas/market/quotes_v1.json"
	if files[ticks] == nil || files[quotes] == nil {
		return nil, fmt.Errorf("read schemas %s: ticks_v1 or quotes_v1 missing", src)
	}
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(Branch)}})
	if err != nil {
		return nil, fmt.Errorf("init repository %s: %w", dir, err)
	}
	r := &Repo{Dir: dir, repo: repo, clock: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	first := map[string][]byte{}
	for name, data := range files {
		first[name] = data
	}
	if first[ticks], err = edit(files[ticks], "1.0.0", "exchange", ""); err != nil {
		return nil, err
	}
	if first[quotes], err = edit(files[quotes], "1.0.0", "venue", ""); err != nil {
		return nil, err
	}
	for i := 0; i < extra; i++ {
		id := fmt.Sprintf("synthetic_%04d", i)
		first["schemas/synthetic/"+id+".json"] = Synthetic(id, "1.0.0")
	}
	ticks110, err := edit(files[ticks], "1.1.0", "", "Aggressor side.")
	if err != nil {
		return nil, err
	}
	steps := []struct {
		msg   string
		files map[string][]byte
	}{
		{"schemas: the first schemas", first},
		{"schemas: ticks_v1 1.1.0 adds the optional exchange", map[string][]byte{ticks: ticks110}},
		{"schemas: ticks_v1 1.1.1 clarifies descriptions", map[string][]byte{ticks: files[ticks]}},
		{"schemas: quotes_v1 1.1.0 adds the optional venue", map[string][]byte{quotes: files[quotes]}},
	}
	for _, st := range steps {
		if _, err := r.Commit(st.msg, st.files); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// edit returns a schema document with another version, without the
// property drop (and its Arrow field), and with side's description set to
// side when it is not "".
func edit(data []byte, version, drop, side string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	doc["version"] = version
	props, _ := doc["properties"].(map[string]any)
	if drop != "" {
		delete(props, drop)
		if arrow, ok := doc["arrow"].(map[string]any); ok {
			fields, _ := arrow["fields"].([]any)
			kept := []any{}
			for _, f := range fields {
				if m, _ := f.(map[string]any); m["name"] != drop {
					kept = append(kept, f)
				}
			}
			arrow["fields"] = kept
		}
	}
	if side != "" {
		props["side"].(map[string]any)["description"] = side
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	return append(out, '\n'), err
}

// Synthetic returns a schema document with the given id and version, with
// a few typed properties.
func Synthetic(id, version string) []byte {
	return []byte(fmt.Sprintf(`{
  "id": %q,
  "version": %q,
  "title": "Synthetic %s",
  "description": "A generated schema.",
  "type": "object",
  "properties": {
    "ts": {"type": "string", "format": "date-time"},
    "key": {"type": "string", "maxLength": 64},
    "value": {"type": "number"},
    "count": {"type": "integer", "minimum": 0}
  },
  "required": ["ts", "key"],
  "additionalProperties": false
}
`, id, version, id))
}

// Commit writes files (repository path → content) in a new commit on the
// branch and returns its hash.
func (r *Repo) Commit(msg string, files map[string][]byte) (string, error) {
	wt, err := r.repo.Worktree()
	if err != nil {
		return "", err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		full := filepath.Join(r.Dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(full, files[name], 0o644); err != nil {
			return "", err
		}
		if _, err := wt.Add(name); err != nil {
			return "", err
		}
	}
	r.clock = r.clock.Add(time.Hour)
	sig := &object.Signature{Name: "Ada Lovelace", Email: "ada@example.com", When: r.clock}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		return "", fmt.Errorf("commit: %w", err)
	}
	r.Commits = append(r.Commits, h.String())
	return h.String(), nil
}

// Compile compiles the branch's history into a bundle.
func (r *Repo) Compile(ctx context.Context) (*bundle.Bundle, error) {
	return Compile(ctx, r.Dir)
}

// Compile compiles the history of the repository in dir into a bundle.
func Compile(ctx context.Context, dir string) (*bundle.Bundle, error) {
	res, err := compiler.Compile(ctx, compiler.CompileOptions{Repo: dir, Ref: "refs/heads/" + Branch, Dir: "schemas"})
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", dir, err)
	}
	return res.Bundle, nil
}

// Publish publishes b into etcd with the syncer.
func Publish(ctx context.Context, kv clientv3.KV, b *bundle.Bundle) (*syncer.Result, error) {
	return syncer.New(kv, slog.New(slog.NewTextHandler(io.Discard, nil))).Publish(ctx, b)
}
