package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/internal/gittest"
)

// TestPagesShowPins: a version's page names the versions it is pinned to
// and stays the same when its dependency publishes a new version; the
// dependency's page names its dependents and the version each is pinned to.
func TestPagesShowPins(t *testing.T) {
	repo := gittest.New(t)
	instruments := func(version, maxLength string) string {
		return `{"id": "instruments_v1", "version": "` + version + `", "definitions": {"symbol": {"type": "string", "maxLength": ` + maxLength + `}}}` + "\n"
	}
	repo.Write("schemas/instruments_v1.json", instruments("1.0.0", "32"))
	repo.Write("schemas/quotes_v1.json", `{"id": "quotes_v1", "version": "1.0.0", "type": "object", "properties": {"symbol": {"$ref": "instruments_v1#/definitions/symbol"}}}`+"\n")
	repo.Commit("quotes and instruments")
	build := func() string {
		t.Helper()
		res, err := compiler.Compile(t.Context(), compiler.CompileOptions{Repo: repo.Dir})
		if err != nil {
			t.Fatal(err)
		}
		dir, _ := mustGenerate(t, res.Bundle, goldenOptions())
		return dir
	}
	read := func(dir, page string) string {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(dir, page))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	first := build()
	page := read(first, "quotes_v1/1.0.0/index.html")
	if !strings.Contains(page, "Depends on") || !strings.Contains(page, `instruments_v1/1.0.0/index.html">instruments_v1 1.0.0</a>`) {
		t.Errorf("quotes_v1 1.0.0 does not name its pin:\n%s", page)
	}
	if p := read(first, "instruments_v1/index.html"); !strings.Contains(p, "Referenced by") || !strings.Contains(p, `quotes_v1 1.0.0</a> <span class="muted">pinned to 1.0.0</span>`) {
		t.Errorf("instruments_v1 does not name its dependent:\n%s", p)
	}

	repo.Write("schemas/instruments_v1.json", instruments("2.0.0", "8"))
	repo.Commit("instruments 2.0.0")
	second := build()
	for _, p := range []string{"quotes_v1/1.0.0/index.html", "quotes_v1/1.0.0.json", "api/schema/quotes_v1/versions.json"} {
		if a, b := read(first, p), read(second, p); a != b {
			t.Errorf("%s changed when instruments_v1 2.0.0 was published", p)
		}
	}
	if p := read(second, "instruments_v1/index.html"); !strings.Contains(p, "pinned to 1.0.0") {
		t.Errorf("instruments_v1 2.0.0's page lost the dependent pinned to 1.0.0:\n%s", p)
	}
}

// TestMirrorBundledMatchesServerForm: the mirror holds the bundled form of
// a version with pins, as validate.Bundled makes it, and is immutable.
func TestMirrorBundledMatchesServerForm(t *testing.T) {
	repo := gittest.New(t)
	repo.Write("schemas/instruments_v1.json", `{"id": "instruments_v1", "version": "1.0.0", "definitions": {"symbol": {"type": "string"}}}`+"\n")
	repo.Write("schemas/quotes_v1.json", `{"id": "quotes_v1", "version": "1.0.0", "properties": {"symbol": {"$ref": "instruments_v1#/definitions/symbol"}}}`+"\n")
	repo.Commit("both")
	res, err := compiler.Compile(t.Context(), compiler.CompileOptions{Repo: repo.Dir})
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := mustGenerate(t, res.Bundle, goldenOptions())
	got, err := os.ReadFile(filepath.Join(dir, "api/schema/quotes_v1/1.0.0.bundled.json"))
	if err != nil {
		t.Fatal(err)
	}
	q, _ := document.ParseDocument("q.json", res.Bundle.Files["schemas/quotes_v1/1.0.0.json"])
	in, _ := document.ParseDocument("i.json", res.Bundle.Files["schemas/instruments_v1/1.0.0.json"])
	if want := validate.Bundled(q, []*document.Document{in}); string(got) != string(want) {
		t.Errorf("mirror bundled form:\n%s\nwant\n%s", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "api/schema/instruments_v1/1.0.0.bundled.json")); err == nil {
		t.Error("a version without pins has a bundled file; its own bytes are its bundled form")
	}
	if !immutable("api/schema/quotes_v1/1.0.0.bundled.json") {
		t.Error("the bundled mirror file is not served as immutable")
	}
}
