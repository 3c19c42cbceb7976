package site

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/internal/bundle"
)

func TestGenerateDeterministic(t *testing.T) {
	b := exampleBundle(t)
	one, _ := mustGenerate(t, b, Options{Workers: 1})
	many, _ := mustGenerate(t, b, Options{Workers: 8})
	a, z := readTree(t, one, true), readTree(t, many, true)
	if len(a) != len(z) {
		t.Fatalf("one worker wrote %d files, eight wrote %d", len(a), len(z))
	}
	for name, data := range a {
		if !bytes.Equal(data, z[name]) {
			t.Errorf("%s differs between runs", name)
		}
	}
}

func TestGenerateStats(t *testing.T) {
	b := exampleBundle(t)
	dir, stats := mustGenerate(t, b, Options{})
	tree := readTree(t, dir, true)
	var size int64
	pages := 0
	for name, data := range tree {
		size += int64(len(data))
		if strings.HasSuffix(name, ".html") {
			pages++
		}
	}
	versions := 0
	for _, s := range b.Manifest.Schemas {
		versions += len(s.Versions)
	}
	want := Stats{Schemas: len(b.Manifest.Schemas), Versions: versions, Pages: pages, Files: len(tree), Bytes: size}
	if stats != want {
		t.Errorf("stats %+v, the output has %+v", stats, want)
	}
}

func TestGenerateMirror(t *testing.T) {
	b := exampleBundle(t)
	dir, _ := mustGenerate(t, b, Options{})
	tree := readTree(t, dir, true)
	for _, s := range b.Manifest.Schemas {
		for _, v := range s.Versions {
			canonical := b.Files[bundle.SchemaFile(s.ID, v.Version)]
			for _, name := range []string{mirrorVersionPath(s.ID, v.Version), s.ID + "/" + v.Version + ".json"} {
				if !bytes.Equal(tree[name], canonical) {
					t.Errorf("%s is not the canonical bytes of %s %s", name, s.ID, v.Version)
				}
			}
		}
		want, err := VersionsJSON(&s)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(tree[mirrorVersionsPath(s.ID)], want) {
			t.Errorf("%s differs from VersionsJSON", mirrorVersionsPath(s.ID))
		}
	}
}

func TestGenerateReplacesSite(t *testing.T) {
	b := exampleBundle(t)
	dir := filepath.Join(t.TempDir(), "out")
	if _, err := Generate(t.Context(), b, dir, Options{Title: "First"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(t.Context(), b, dir, Options{Title: "Second"}); err != nil {
		t.Fatal(err)
	}
	index, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(index, []byte("<title>Schemas · Second</title>")) {
		t.Error("the second run did not replace the first site")
	}
	assertNoLeftovers(t, dir)
}

func TestGenerateFailureKeepsPreviousSite(t *testing.T) {
	b := exampleBundle(t)
	dir := filepath.Join(t.TempDir(), "out")
	if _, err := Generate(t.Context(), b, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, dir, true)
	t.Run("Canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := Generate(ctx, b, dir, Options{})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("MissingFile", func(t *testing.T) {
		broken := &bundle.Bundle{Manifest: b.Manifest, Files: map[string][]byte{}}
		if _, err := Generate(t.Context(), broken, dir, Options{}); err == nil {
			t.Fatal("a bundle without its files generated a site")
		}
	})
	t.Run("PathInVersion", func(t *testing.T) {
		bad := &bundle.Bundle{Manifest: b.Manifest, Files: b.Files}
		bad.Manifest.Schemas = []bundle.Schema{{ID: "evil", Versions: []bundle.Version{{Version: "1/../../x"}}}}
		if _, err := Generate(t.Context(), bad, dir, Options{}); err == nil || !strings.Contains(err.Error(), "invalid version") {
			t.Fatalf("err = %v, want an invalid version", err)
		}
	})
	t.Run("ReservedID", func(t *testing.T) {
		reserved := &bundle.Bundle{Manifest: b.Manifest, Files: b.Files}
		reserved.Manifest.Schemas = append([]bundle.Schema{{ID: "index.html"}}, b.Manifest.Schemas...)
		_, err := Generate(t.Context(), reserved, dir, Options{})
		if err == nil || !strings.Contains(err.Error(), `"index.html"`) {
			t.Fatalf("err = %v, want one naming the reserved id", err)
		}
	})
	after := readTree(t, dir, true)
	if len(after) != len(before) {
		t.Fatalf("the site had %d files, has %d after failed runs", len(before), len(after))
	}
	for name, data := range before {
		if !bytes.Equal(after[name], data) {
			t.Errorf("%s changed in a failed run", name)
		}
	}
	assertNoLeftovers(t, dir)
}

func TestGenerateRefusesOtherDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "docs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(mine, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Generate(t.Context(), exampleBundle(t), dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "not a site") {
		t.Fatalf("err = %v, want a refusal", err)
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("the directory's own file is gone: %v", err)
	}
	assertNoLeftovers(t, dir)
}

func TestGenerateIntoEmptyDirectory(t *testing.T) {
	dir := t.TempDir()
	if _, err := Generate(t.Context(), exampleBundle(t), dir, Options{}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o755 {
		t.Errorf("site directory mode %v, want 0755", fi.Mode().Perm())
	}
}

// assertNoLeftovers checks that no temporary or old directory is left
// beside dir.
func assertNoLeftovers(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "."+filepath.Base(dir)+".") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// TestRefusedChangesOnTheChangelog shows the violations of the history on
// the changelog of the schema they concern, by id or, without one, by the
// schema's path, newest first and escaped; a schema without any shows none.
func TestRefusedChangesOnTheChangelog(t *testing.T) {
	b := exampleBundle(t)
	ticks, ok := b.Manifest.Schema("ticks_v1")
	if !ok {
		t.Fatal("no ticks_v1 in the example bundle")
	}
	b.Manifest.Violations = []bundle.Violation{
		{Commit: strings.Repeat("a", 40), Time: "2026-03-01T10:00:00Z", Path: ticks.Path, Line: 3, ID: "ticks_v1", Version: "1.1.0",
			Kind: "MUTATED_VERSION", Message: `version 1.1.0 of ticks_v1 was changed after it was published <script>`},
		{Commit: strings.Repeat("b", 40), Time: "2026-03-02T10:00:00Z", Path: ticks.Path,
			Kind: "INVALID_SCHEMA", Message: "the file is not JSON"},
		{Commit: strings.Repeat("c", 40), Time: "2026-03-03T10:00:00Z", Path: "schemas/other.json", ID: "other_v1", Version: "1.0.0",
			Kind: "INVALID_BUMP", Message: "not about ticks_v1"},
	}
	dir, _ := mustGenerate(t, b, goldenOptions())
	page, err := os.ReadFile(filepath.Join(dir, "ticks_v1", "changelog", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	section := html[strings.Index(html, `<h2 id="refused">`)+1:]
	if !strings.Contains(html, `<h2 id="refused">Refused changes</h2>`) {
		t.Fatalf("no refused changes on the changelog:\n%s", html)
	}
	invalid, mutated := strings.Index(section, "INVALID_SCHEMA"), strings.Index(section, "MUTATED_VERSION")
	if invalid < 0 || mutated < 0 || invalid > mutated {
		t.Errorf("the two violations of ticks_v1, newest first: INVALID_SCHEMA at %d, MUTATED_VERSION at %d", invalid, mutated)
	}
	for _, want := range []string{"published &lt;script&gt;", ticks.Path + ":3", "<code title=\"" + strings.Repeat("a", 40) + "\">aaaaaaaaaaaa</code>", "<td>1.1.0</td>"} {
		if !strings.Contains(section, want) {
			t.Errorf("the refused changes lack %q:\n%s", want, section)
		}
	}
	if strings.Contains(html, "<script>") || strings.Contains(html, "not about ticks_v1") {
		t.Errorf("the changelog holds an unescaped message or another schema's violation:\n%s", section)
	}
	other, err := os.ReadFile(filepath.Join(dir, "quotes_v1", "changelog", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(other), `id="refused"`) {
		t.Error("quotes_v1, without violations, shows refused changes")
	}
}
