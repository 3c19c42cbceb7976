package site

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/arrowschema"
	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/internal/bundle"
)

// published is what a test bundle records of one version besides its
// document: the commit that published it and, unless the bundle computes
// them with compat.Diff, the verdict on its changes.
type published struct {
	commit, time, author string
	bump, required       string
	compatible           bool
	changes              []api.Change
}

// Commits of this repository that published the example schemas; the later
// versions are made up for the tests and get made-up commits.
const (
	commitFoundation = "494d9c5faf3e503372e29e8b94ab3e4d39702533"
	commitTicks110   = "222654ab678bb8bea452436b11669320d771f243"
	commitTicks111   = "e39c4da82ce4d80e8baf8f5b5d4dd2acdd30fd02"
	commitQuotes110  = "1a8c71858601376994bdc0138681a9e934686343"
	commitTicks200   = "7f3c2a9e1b5d4c6a8e0f2b4d6c8a0e2f4b6d8c0a"
	commitQuotes120  = "b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0"
)

// exampleHistory gives each version of the example bundle its publication.
func exampleHistory() map[string]published {
	at := func(commit, time, author string) published {
		return published{commit: commit, time: time, author: author}
	}
	const maya, ravi, jonas = "Maya Chen <maya@example.com>", "Ravi Patel <ravi@example.com>", "Jonas Berg <jonas@example.com>"
	return map[string]published{
		"bars_1m_v1@1.0.0":     at(commitFoundation, "2026-01-05T09:00:00Z", maya),
		"instruments_v1@1.0.0": at(commitFoundation, "2026-01-05T09:00:00Z", maya),
		"quotes_v1@1.0.0":      at(commitFoundation, "2026-01-05T09:00:00Z", maya),
		"ticks_v1@1.0.0":       at(commitFoundation, "2026-01-05T09:00:00Z", maya),
		"trades_v1@1.0.0":      at(commitFoundation, "2026-01-05T09:00:00Z", maya),
		"ticks_v1@1.1.0":       at(commitTicks110, "2026-02-10T14:30:00Z", ravi),
		"quotes_v1@1.1.0":      at(commitQuotes110, "2026-02-18T11:00:00Z", maya),
		"ticks_v1@1.1.1":       at(commitTicks111, "2026-03-02T08:15:00Z", maya),
		"ticks_v1@2.0.0":       at(commitTicks200, "2026-04-20T16:45:00Z", ravi),
		"quotes_v1@1.2.0":      at(commitQuotes120, "2026-05-06T10:20:00Z", jonas),
	}
}

// exampleBundle builds a bundle of the repository's example schemas, as in
// schemas/, with earlier and later versions from testdata/history.
func exampleBundle(t testing.TB) *bundle.Bundle {
	t.Helper()
	var sources []string
	err := filepath.WalkDir(filepath.Join("..", "schemas"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			sources = append(sources, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	hist, err := filepath.Glob(filepath.Join("testdata", "history", "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	sources = append(sources, hist...)
	docs := map[string]*document.Document{} // id@version
	repoPath := map[string]string{}         // id -> path in the repository
	for _, p := range sources {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		d, err := document.ParseDocument(p, data)
		if err != nil {
			t.Fatal(err)
		}
		key := d.ID + "@" + d.Version.String()
		if other, ok := docs[key]; ok && string(other.Canonical) != string(d.Canonical) {
			t.Fatalf("%s: %s differs from %s; give the later one a new version", key, p, other.Path)
		}
		docs[key] = d
		if strings.HasPrefix(p, filepath.Join("..", "schemas")) {
			repoPath[d.ID] = filepath.ToSlash(strings.TrimPrefix(p, ".."+string(filepath.Separator)))
		}
	}
	return buildBundle(t, docs, repoPath, exampleHistory(), true)
}

// buildBundle assembles and seals a bundle from documents keyed id@version.
// With diff set, compat.Diff judges each version against the one before;
// else history gives the bumps and changes.
func buildBundle(t testing.TB, docs map[string]*document.Document, repoPath map[string]string, history map[string]published, diff bool) *bundle.Bundle {
	t.Helper()
	byID := map[string][]*document.Document{}
	var all []*document.Document
	keys := make([]string, 0, len(docs))
	for k := range docs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		d := docs[k]
		byID[d.ID] = append(byID[d.ID], d)
		all = append(all, d)
	}
	b := &bundle.Bundle{Files: map[string][]byte{}}
	reg := validate.NewRegistry(all...)
	var last published
	for id, list := range byID {
		sort.Slice(list, func(i, j int) bool { return list[i].Version.Compare(list[j].Version) < 0 })
		latest := list[len(list)-1]
		s := bundle.Schema{ID: id, Path: repoPath[id], Latest: latest.Version.String(), Compatibility: "BACKWARD",
			Title: latest.Title(), Description: latest.Description()}
		if s.Path == "" {
			s.Path = path.Join("schemas", id+".json")
		}
		var prev *document.Document
		for _, d := range list {
			ver := d.Version.String()
			h, ok := history[id+"@"+ver]
			if !ok {
				t.Fatalf("no history for %s@%s", id, ver)
			}
			v := bundle.Version{Version: ver, Digest: d.Digest, Size: len(d.Canonical), Path: s.Path, Commit: h.commit,
				Time: h.time, Author: h.author, Bump: h.bump, RequiredBump: h.required, Compatible: h.compatible, Changes: h.changes}
			if diff {
				res := compat.Diff(prev, d, compat.DiffOptions{Resolve: reg.Resolve})
				v.Bump, v.RequiredBump, v.Compatible, v.Changes = "none", res.Bump.String(), res.Compatible, res.Changes
				if prev != nil {
					v.Bump = d.Version.BumpFrom(prev.Version).String()
				} else {
					v.RequiredBump, v.Changes = "none", nil
				}
			}
			b.Files[bundle.SchemaFile(id, ver)] = d.Canonical
			ipc, err := arrowschema.IPC(d, reg)
			if err != nil {
				t.Fatalf("%s@%s: %v", id, ver, err)
			}
			if ipc != nil {
				b.Files[bundle.ArrowFile(id, ver)] = ipc
				v.Arrow = bundle.Digest(ipc)
			}
			s.Versions = append(s.Versions, v)
			if h.time > last.time {
				last = h
			}
			prev = d
		}
		b.Manifest.Schemas = append(b.Manifest.Schemas, s)
	}
	b.Manifest.Source = bundle.Source{Commit: last.commit, Time: last.time, Dir: "schemas", Commits: len(docs)}
	if err := b.Manifest.Seal(); err != nil {
		t.Fatal(err)
	}
	if err := b.Verify(); err != nil {
		t.Fatal(err)
	}
	return b
}

// mustGenerate writes the site of b into a new temporary directory.
func mustGenerate(t testing.TB, b *bundle.Bundle, opts Options) (string, Stats) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	stats, err := Generate(t.Context(), b, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return dir, stats
}
