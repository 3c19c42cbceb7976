package compiler

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/semver"
	"github.com/schemareg/schemareg/compiler/validate"
)

// instruments is a schema whose symbol has a maximum length.
func instruments(version string, maxLength int) string {
	return `{
  "id": "instruments_v1",
  "version": "` + version + `",
  "definitions": {
    "symbol": {"type": "string", "maxLength": ` + strconv.Itoa(maxLength) + `}
  }
}
`
}

// quotes refers to the symbol of instruments through ref.
func quotes(version, ref string) string {
	return `{
  "id": "quotes_v1",
  "version": "` + version + `",
  "type": "object",
  "properties": {
    "symbol": {"$ref": "` + ref + `"},
    "price": {"type": "number"}
  }
}
`
}

// A version records the version of every schema it reaches, resolved when
// it is published; a later version of the dependency leaves it as it was.
func TestPinsRecordedAtPublish(t *testing.T) {
	r := newTestRepo(t)
	r.write("schemas/instruments_v1.json", instruments("1.0.0", 32))
	r.write("schemas/quotes_v1.json", quotes("1.0.0", "instruments_v1#/definitions/symbol"))
	r.commit("quotes and instruments")
	r.write("schemas/instruments_v1.json", instruments("2.0.0", 8))
	r.commit("instruments 2.0.0: symbols of at most 8")
	res := mustCompile(t, r, CompileOptions{})
	q, _ := res.Bundle.Manifest.Schema("quotes_v1")
	if diff := cmp.Diff(map[string]string{"instruments_v1": "1.0.0"}, q.Versions[0].Deps); diff != "" {
		t.Errorf("quotes_v1 1.0.0 deps (-want +got):\n%s", diff)
	}
	in, _ := res.Bundle.Manifest.Schema("instruments_v1")
	if in.Versions[1].Deps != nil {
		t.Errorf("instruments_v1 2.0.0 refers to nothing, deps %v", in.Versions[1].Deps)
	}
	assertIncrementalEqual(t, r, res.Bundle)
}

// Moving a dependent onto a breaking version of its dependency is a
// breaking change of the dependent: its effective schema narrows.
func TestAdoptingABreakingDependencyNeedsAMajorBump(t *testing.T) {
	r := newTestRepo(t)
	r.write("schemas/instruments_v1.json", instruments("1.0.0", 32))
	r.write("schemas/quotes_v1.json", quotes("1.0.0", "instruments_v1#/definitions/symbol"))
	r.commit("quotes and instruments")
	r.write("schemas/instruments_v1.json", instruments("2.0.0", 8))
	r.commit("instruments 2.0.0")
	r.write("schemas/quotes_v1.json", strings.Replace(quotes("1.1.0", "instruments_v1#/definitions/symbol"), `"type": "number"`, `"type": "number", "description": "last price"`, 1))
	r.commit("quotes 1.1.0 picks up instruments 2.0.0")
	_, err := Compile(t.Context(), CompileOptions{Repo: r.dir})
	var ve *ViolationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "1.1.0 is not published") || !strings.Contains(err.Error(), "maxLength") {
		t.Fatalf("adopting instruments 2.0.0 with a minor bump: %v", err)
	}
	r.write("schemas/quotes_v1.json", quotes("2.0.0", "instruments_v1#/definitions/symbol"))
	r.commit("quotes 2.0.0")
	res := mustCompile(t, r, CompileOptions{})
	q, _ := res.Bundle.Manifest.Schema("quotes_v1")
	last := q.Versions[len(q.Versions)-1]
	if last.Version != "2.0.0" || last.RequiredBump != "major" || last.Deps["instruments_v1"] != "2.0.0" {
		t.Errorf("quotes_v1 latest %s required %s deps %v; want 2.0.0, major, instruments_v1 2.0.0", last.Version, last.RequiredBump, last.Deps)
	}
}

// An explicit pin names a published version, whatever is latest.
func TestExplicitPin(t *testing.T) {
	r := newTestRepo(t)
	r.write("schemas/instruments_v1.json", instruments("1.0.0", 32))
	r.commit("instruments 1.0.0")
	r.write("schemas/instruments_v1.json", instruments("2.0.0", 8))
	r.commit("instruments 2.0.0")
	r.write("schemas/quotes_v1.json", quotes("1.0.0", "instruments_v1@1.0.0#/definitions/symbol"))
	r.commit("quotes pinned to instruments 1.0.0")
	res := mustCompile(t, r, CompileOptions{})
	q, _ := res.Bundle.Manifest.Schema("quotes_v1")
	if diff := cmp.Diff(map[string]string{"instruments_v1": "1.0.0"}, q.Versions[0].Deps); diff != "" {
		t.Errorf("deps (-want +got):\n%s", diff)
	}

	r.write("schemas/quotes_v1.json", quotes("1.1.0", "instruments_v1@1.5.0#/definitions/symbol"))
	r.commit("pin to a version that does not exist")
	_, err := Compile(t.Context(), CompileOptions{Repo: r.dir})
	if err == nil || !strings.Contains(err.Error(), "instruments_v1 has no published version 1.5.0") {
		t.Errorf("a pin to an unknown version: %v", err)
	}
}

// One version of each schema per effective schema.
func TestTwoVersionsOfOneDependencyRefused(t *testing.T) {
	r := newTestRepo(t)
	r.write("schemas/instruments_v1.json", instruments("1.0.0", 32))
	r.commit("instruments 1.0.0")
	r.write("schemas/instruments_v1.json", instruments("2.0.0", 8))
	r.commit("instruments 2.0.0")
	doc := strings.Replace(quotes("1.0.0", "instruments_v1@1.0.0#/definitions/symbol"), `"price": {"type": "number"}`, `"venue": {"$ref": "instruments_v1#/definitions/symbol"}`, 1)
	r.write("schemas/quotes_v1.json", doc)
	r.commit("two versions")
	_, err := Compile(t.Context(), CompileOptions{Repo: r.dir})
	if err == nil || !strings.Contains(err.Error(), "depends on one version of each schema") {
		t.Errorf("two versions of instruments_v1: %v", err)
	}
}

// A dependency published in the same commit is judged first, whatever the
// order of the paths.
func TestDependencyInTheSameCommitIsPinned(t *testing.T) {
	r := newTestRepo(t)
	r.write("schemas/zz_instruments_v1.json", strings.Replace(instruments("1.0.0", 32), "instruments_v1", "zz_instruments_v1", 1))
	r.write("schemas/quotes_v1.json", quotes("1.0.0", "zz_instruments_v1#/definitions/symbol"))
	r.commit("both")
	res := mustCompile(t, r, CompileOptions{})
	q, _ := res.Bundle.Manifest.Schema("quotes_v1")
	if diff := cmp.Diff(map[string]string{"zz_instruments_v1": "1.0.0"}, q.Versions[0].Deps); diff != "" {
		t.Errorf("deps (-want +got):\n%s", diff)
	}
}

// A $ref to a draft's meta-schema is built in: no network, no refusal.
func TestRefToBuiltinMetaSchema(t *testing.T) {
	d, err := document.ParseDocument("meta_v1.json", []byte(`{"id": "meta_v1", "version": "1.0.0", "properties": {"schema": {"$ref": "http://json-schema.org/draft-07/schema#"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	v, err := validate.NewRegistry(d).Compile(d)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	if errs := v.Validate(map[string]any{"schema": map[string]any{"type": "string"}}); len(errs) != 0 {
		t.Errorf("a valid schema as data: %v", errs)
	}
	if errs := v.Validate(map[string]any{"schema": map[string]any{"type": 12.0}}); len(errs) == 0 {
		t.Error("an invalid schema as data validated")
	}
	d2, _ := document.ParseDocument("ext_v1.json", []byte(`{"id": "ext_v1", "version": "1.0.0", "$ref": "http://json-schema.org/draft-99/schema#"}`))
	if _, err := validate.NewRegistry(d2).Compile(d2); err == nil || !errors.Is(err, validate.ErrExternalRef) && !strings.Contains(err.Error(), "never fetched") {
		t.Errorf("an unknown json-schema.org URL: %v", err)
	}
}

// The bundled form validates alone, with no registry, exactly as the
// version does with its pinned dependencies.
func TestBundledValidatesAlone(t *testing.T) {
	in, err := document.ParseDocument("instruments_v1.json", []byte(instruments("1.0.0", 4)))
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(quotes("1.0.0", "instruments_v1#/definitions/symbol"), `"price": {"type": "number"}`, `"venue": {"$ref": "instruments_v1@1.0.0#/definitions/symbol"}`, 1)
	q, err := document.ParseDocument("quotes_v1.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	raw := validate.Bundled(q, []*document.Document{in})
	var root any
	if err := json.Unmarshal(raw, &root); err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(jsonschema.SchemeURLLoader{}) // no scheme: nothing can be loaded
	if err := c.AddResource("bundled.json", root); err != nil {
		t.Fatal(err)
	}
	alone, err := c.Compile("bundled.json")
	if err != nil {
		t.Fatalf("the bundled form does not compile alone: %v\n%s", err, raw)
	}
	reg, err := validate.NewRegistry(in, q).Compile(q)
	if err != nil {
		t.Fatal(err)
	}
	for _, data := range []map[string]any{
		{"symbol": "ABC", "venue": "XL"},
		{"symbol": "ABCDEF"},
		{"venue": "ABCDEF"},
	} {
		want := len(reg.Validate(data)) == 0
		got := alone.Validate(data) == nil
		if got != want {
			t.Errorf("%v: bundled valid=%v, registry valid=%v", data, got, want)
		}
	}
	if !bytes.Equal(raw, validate.Bundled(q, []*document.Document{in})) {
		t.Error("the bundled form is not deterministic")
	}
}

// A pull request that changes a schema others depend on says, for each,
// the version it stays pinned to and what adopting the new one means.
func TestCheckListsDependents(t *testing.T) {
	r := newTestRepo(t)
	r.write("schemas/instruments_v1.json", instruments("1.0.0", 32))
	r.write("schemas/quotes_v1.json", quotes("1.0.0", "instruments_v1#/definitions/symbol"))
	r.write("schemas/trades_v1.json", strings.Replace(quotes("1.0.0", "instruments_v1#/definitions/symbol"), "quotes_v1", "trades_v1", 1))
	r.write("schemas/fills_v1.json", strings.Replace(quotes("1.0.0", "instruments_v1#/definitions/symbol"), "quotes_v1", "fills_v1", 1))
	r.commit("base")
	r.write("schemas/trades_v1.json", strings.Replace(quotes("2.0.0", "instruments_v1#/definitions/symbol"), "quotes_v1", "trades_v1", 1))
	r.write("schemas/instruments_v1.json", instruments("2.0.0", 8))
	r.commit("instruments 2.0.0 and trades adopts it")
	rep, err := Check(t.Context(), CheckOptions{Repo: r.dir, Base: "HEAD~1", Head: "HEAD"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range rep.Schemas {
		for _, d := range s.Dependents {
			got = append(got, s.ID+" ← "+d.ID+" "+d.Version+" pinned "+d.Pinned+" compatible="+strconvBool(d.Compatible)+" bump="+d.Bump.String()+" mode="+string(d.Mode))
		}
	}
	// trades_v1 adopts 2.0.0 in this pull request (and is judged for it
	// itself), so only fills_v1 and quotes_v1 are listed.
	want := []string{
		"instruments_v1 ← fills_v1 1.0.0 pinned 1.0.0 compatible=false bump=major mode=BACKWARD",
		"instruments_v1 ← quotes_v1 1.0.0 pinned 1.0.0 compatible=false bump=major mode=BACKWARD",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dependents (-want +got):\n%s", diff)
	}
	var trades SchemaReport
	for _, s := range rep.Schemas {
		if s.ID == "trades_v1" {
			trades = s
		}
	}
	if trades.Verdict != VerdictOK || trades.RequiredBump != semver.BumpMajor {
		t.Errorf("trades_v1 2.0.0 adopts a breaking instruments: verdict %s, required %s, %s", trades.Verdict, trades.RequiredBump, trades.Message)
	}
}

func strconvBool(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// In draft-04, "id" below the root sets a base URI, and a $ref to it stays
// inside the document.
func TestDraft04NestedID(t *testing.T) {
	d, err := document.ParseDocument("d4_v1.json", []byte(`{"id": "d4_v1", "version": "1.0.0", "schema": "http://json-schema.org/draft-04/schema#",
  "definitions": {"a": {"id": "http://example.com/a.json", "definitions": {"n": {"type": "integer"}}}},
  "properties": {"n": {"$ref": "http://example.com/a.json#/definitions/n"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	v, err := validate.NewRegistry(d).Compile(d)
	if err != nil {
		t.Fatalf("a valid draft-04 schema refused: %v", err)
	}
	if errs := v.Validate(map[string]any{"n": "x"}); len(errs) == 0 {
		t.Error("n must be an integer")
	}
	if errs := v.Validate(map[string]any{"n": json.Number("3")}); len(errs) != 0 {
		t.Errorf("n = 3: %v", errs)
	}
}

// validate reads files, not history: a pin to a version the folder does
// not hold says so and points to check; a pin to the version it holds passes.
func TestValidatePinnedReference(t *testing.T) {
	files := []validate.File{
		{Path: "schemas/instruments_v1.json", Data: []byte(instruments("2.0.0", 8))},
		{Path: "schemas/quotes_v1.json", Data: []byte(quotes("1.0.0", "instruments_v1@1.0.0#/definitions/symbol"))},
	}
	_, problems := validate.CheckTree(files, validate.TreeOptions{})
	if len(problems) != 1 || !strings.Contains(problems[0].Message, "pinned to instruments_v1 1.0.0, but schemas/instruments_v1.json holds instruments_v1 2.0.0") || !strings.Contains(problems[0].Message, "schemareg check") {
		t.Errorf("problems %v", problems)
	}
	files[1].Data = []byte(quotes("1.0.0", "instruments_v1@2.0.0#/definitions/symbol"))
	if _, problems := validate.CheckTree(files, validate.TreeOptions{}); len(problems) != 0 {
		t.Errorf("a pin to the version the folder holds: %v", problems)
	}
}

// A violation prints on one line whatever names a file holds.
func TestFormatViolationOneLine(t *testing.T) {
	v := Violation{Path: "schemas/a_v1.json", Line: 3, Commit: strings.Repeat("a", 40), Kind: ViolationInvalidBump,
		Message: "field \"x\n::error file=forged::gotcha\" removed"}
	got := FormatViolation(v)
	if strings.ContainsAny(got, "\n\r") || !strings.Contains(got, `x\n::error`) {
		t.Errorf("FormatViolation = %q", got)
	}
	e := &ViolationError{Violations: []Violation{v}}
	if lines := strings.Split(e.Error(), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[0], "1 violation at") {
		t.Errorf("ViolationError:\n%s", e.Error())
	}
}

// A revision past the first commit says so, not "EOF".
func TestRevisionPastTheRoot(t *testing.T) {
	r := newTestRepo(t)
	r.write("schemas/a_v1.json", `{"id": "a_v1", "version": "1.0.0"}`+"\n")
	r.commit("one")
	_, err := Check(t.Context(), CheckOptions{Repo: r.dir, Base: "HEAD~99", Head: "HEAD"})
	if !errors.Is(err, ErrRevisionNotFound) || strings.Contains(err.Error(), "EOF") || !strings.Contains(err.Error(), "does not go back that far") {
		t.Errorf("HEAD~99 of a one-commit history: %v", err)
	}
}
