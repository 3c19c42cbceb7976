package confluent

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/server/internal/testrepo"
)

// fixture is the project's schemas, compiled from a real Git history and
// published into a real etcd, served by the API over real HTTP.
type fixture struct {
	t      *testing.T
	bundle *bundle.Bundle
	url    string
}

func newFixture(t *testing.T, naming Naming) *fixture {
	t.Helper()
	cli := etcdtest.Start(t).Client(t)
	repo, err := testrepo.Build(t.TempDir(), "../../schemas", 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := repo.Compile(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := testrepo.Publish(t.Context(), cli, b); err != nil {
		t.Fatal(err)
	}
	api := New(cli, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Naming: naming, MaxBody: 64 << 10})
	srv := httptest.NewServer(api.Handler(DefaultPrefix))
	t.Cleanup(srv.Close)
	return &fixture{t: t, bundle: b, url: srv.URL + DefaultPrefix}
}

// do sends a request and returns the status, the body and the response.
func (f *fixture) do(method, path, body string, header ...string) (int, []byte, *http.Response) {
	f.t.Helper()
	req, err := http.NewRequestWithContext(f.t.Context(), method, f.url+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp.StatusCode, data, resp
}

func (f *fixture) get(path string, into any) {
	f.t.Helper()
	code, body, resp := f.do("GET", path, "")
	if code != http.StatusOK {
		f.t.Fatalf("GET %s: %d %s", path, code, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != ContentType {
		f.t.Errorf("GET %s: Content-Type %q, want %q", path, ct, ContentType)
	}
	if err := json.Unmarshal(body, into); err != nil {
		f.t.Fatalf("GET %s: %v in %s", path, err, body)
	}
}

func (f *fixture) version(id, v string) bundle.Version {
	f.t.Helper()
	s, ok := f.bundle.Manifest.Schema(id)
	if !ok {
		f.t.Fatalf("no schema %s", id)
	}
	ver, ok := s.Version(v)
	if !ok {
		f.t.Fatalf("no version %s of %s", v, id)
	}
	return *ver
}

// file is a version's document as the API serves it: its canonical bytes
// without the root "id", with "$schema" beside "schema".
func (f *fixture) file(id, v string) string {
	f.t.Helper()
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(f.bundle.Files[bundle.SchemaFile(id, v)]))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		f.t.Fatal(err)
	}
	if doc["id"] != id {
		f.t.Fatalf("%s %s has id %v", id, v, doc["id"])
	}
	delete(doc, "id")
	if _, ok := doc["$schema"]; !ok && doc["schema"] != nil {
		doc["$schema"] = doc["schema"]
	}
	return string(document.Canonical(doc))
}

func TestSubjectsAndVersions(t *testing.T) {
	f := newFixture(t, NamingID)
	var subjects []string
	f.get("/subjects", &subjects)
	var want []string
	for _, s := range f.bundle.Manifest.Schemas {
		want = append(want, s.ID)
	}
	if diff := cmp.Diff(want, subjects); diff != "" {
		t.Errorf("subjects (-want +got):\n%s", diff)
	}
	var versions []int
	f.get("/subjects/ticks_v1/versions", &versions)
	if diff := cmp.Diff([]int{1, 2, 3}, versions); diff != "" {
		t.Errorf("versions (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ path, semver string }{
		{"/subjects/ticks_v1/versions/1", "1.0.0"},
		{"/subjects/ticks_v1/versions/2", "1.1.0"},
		{"/subjects/ticks_v1/versions/latest", "1.1.1"},
		{"/subjects/ticks_v1/versions/-1", "1.1.1"},
	} {
		var got SchemaAnswer
		f.get(tc.path, &got)
		v := f.version("ticks_v1", tc.semver)
		want := SchemaAnswer{Subject: "ticks_v1", Version: got.Version, ID: v.GlobalID, SchemaType: "JSON",
			Schema:   f.file("ticks_v1", tc.semver),
			Metadata: &Metadata{Properties: map[string]string{PropertyVersion: tc.semver, PropertyCommit: v.Commit}}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.path, diff)
		}
		if v.GlobalID <= 0 {
			t.Errorf("%s: global id %d, want positive", tc.path, v.GlobalID)
		}
	}
	code, raw, _ := f.do("GET", "/subjects/ticks_v1/versions/2/schema", "")
	if code != http.StatusOK || string(raw) != f.file("ticks_v1", "1.1.0") {
		t.Errorf("GET .../versions/2/schema: %d %s, want the served form of 1.1.0", code, raw)
	}
}

func TestSchemasByID(t *testing.T) {
	f := newFixture(t, NamingID)
	v := f.version("quotes_v1", "1.1.0")
	id := strconv.Itoa(v.GlobalID)
	var byID ByIDAnswer
	f.get("/schemas/ids/"+id, &byID)
	refs := []Reference{{Name: "instruments_v1", Subject: "instruments_v1", Version: 1}}
	if diff := cmp.Diff(ByIDAnswer{SchemaType: "JSON", Schema: f.file("quotes_v1", "1.1.0"), References: refs}, byID); diff != "" {
		t.Errorf("by id (-want +got):\n%s", diff)
	}
	var sv []SubjectVersion
	f.get("/schemas/ids/"+id+"/versions", &sv)
	if diff := cmp.Diff([]SubjectVersion{{Subject: "quotes_v1", Version: 2}}, sv); diff != "" {
		t.Errorf("versions (-want +got):\n%s", diff)
	}
	var subjects []string
	f.get("/schemas/ids/"+id+"/subjects", &subjects)
	if diff := cmp.Diff([]string{"quotes_v1"}, subjects); diff != "" {
		t.Errorf("subjects (-want +got):\n%s", diff)
	}
	code, raw, resp := f.do("GET", "/schemas/ids/"+id+"/schema", "")
	if code != http.StatusOK || string(raw) != f.file("quotes_v1", "1.1.0") {
		t.Errorf("GET /schemas/ids/%s/schema: %d %s", id, code, raw)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("Cache-Control %q of an answer named by id, want immutable", cc)
	}
	var types []string
	f.get("/schemas/types", &types)
	if diff := cmp.Diff([]string{"JSON"}, types); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
	// Every version of every schema has its own id.
	seen := map[int]string{}
	for _, s := range f.bundle.Manifest.Schemas {
		for _, v := range s.Versions {
			if other, dup := seen[v.GlobalID]; dup {
				t.Errorf("global id %d of %s %s is also %s's", v.GlobalID, s.ID, v.Version, other)
			}
			seen[v.GlobalID] = s.ID + " " + v.Version
		}
	}
}

func TestConfigAndMode(t *testing.T) {
	f := newFixture(t, NamingID)
	var cfg ConfigAnswer
	f.get("/config", &cfg)
	if cfg.CompatibilityLevel != "BACKWARD" {
		t.Errorf("global compatibility %q, want BACKWARD", cfg.CompatibilityLevel)
	}
	s, _ := f.bundle.Manifest.Schema("ticks_v1")
	f.get("/config/ticks_v1", &cfg)
	if cfg.CompatibilityLevel != s.Compatibility {
		t.Errorf("ticks_v1 compatibility %q, want %q", cfg.CompatibilityLevel, s.Compatibility)
	}
	var mode ModeAnswer
	f.get("/mode", &mode)
	if mode.Mode != "READONLY" {
		t.Errorf("mode %q, want READONLY", mode.Mode)
	}
}

func TestNamingValue(t *testing.T) {
	f := newFixture(t, NamingValue)
	var subjects []string
	f.get("/subjects", &subjects)
	for _, s := range subjects {
		if !strings.HasSuffix(s, "-value") {
			t.Errorf("subject %q has no -value suffix", s)
		}
	}
	var got SchemaAnswer
	f.get("/subjects/ticks_v1-value/versions/latest", &got)
	if got.Subject != "ticks_v1-value" || got.Version != 3 {
		t.Errorf("latest of ticks_v1-value: subject %q version %d", got.Subject, got.Version)
	}
	code, body, _ := f.do("GET", "/subjects/ticks_v1/versions", "")
	if code != http.StatusNotFound || !strings.Contains(string(body), "40401") {
		t.Errorf("subject without -value: %d %s, want 404 40401", code, body)
	}
}

func TestETag(t *testing.T) {
	f := newFixture(t, NamingID)
	_, _, resp := f.do("GET", "/subjects/ticks_v1/versions/latest", "")
	etag := resp.Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) {
		t.Fatalf("ETag %q is not strong", etag)
	}
	code, body, _ := f.do("GET", "/subjects/ticks_v1/versions/latest", "", "If-None-Match", etag)
	if code != http.StatusNotModified || len(body) != 0 {
		t.Errorf("If-None-Match: %d %q, want 304 and no body", code, body)
	}
	_, _, resp = f.do("GET", "/subjects/ticks_v1/versions/latest", "", "Accept", "application/json")
	if ct := resp.Header.Get("Content-Type"); ct != ContentTypeJSON {
		t.Errorf("Accept application/json: Content-Type %q", ct)
	}
}

// schemaBody is a request body carrying schema.
func schemaBody(t *testing.T, schema string) string {
	t.Helper()
	data, err := json.Marshal(SchemaRequest{Schema: schema, SchemaType: "JSON"})
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestRegisterAnswersPublishedIDsOnly(t *testing.T) {
	f := newFixture(t, NamingID)
	v := f.version("ticks_v1", "1.1.0")
	code, body, _ := f.do("POST", "/subjects/ticks_v1/versions", schemaBody(t, f.file("ticks_v1", "1.1.0")))
	if code != http.StatusOK || string(body) != `{"id":`+strconv.Itoa(v.GlobalID)+`}` {
		t.Errorf("register a published schema: %d %s, want its id %d", code, body, v.GlobalID)
	}
	var found SchemaAnswer
	code, body, _ = f.do("POST", "/subjects/ticks_v1", schemaBody(t, f.file("ticks_v1", "1.1.0")))
	if err := json.Unmarshal(body, &found); code != http.StatusOK || err != nil || found.ID != v.GlobalID || found.Version != 2 {
		t.Errorf("look up a published schema: %d %s", code, body)
	}
	// The file as committed, registry id and all, finds it too.
	authored := string(f.bundle.Files[bundle.SchemaFile("ticks_v1", "1.1.0")])
	code, body, _ = f.do("POST", "/subjects/ticks_v1", schemaBody(t, authored))
	if err := json.Unmarshal(body, &found); code != http.StatusOK || err != nil || found.ID != v.GlobalID {
		t.Errorf("look up a published schema by its committed bytes: %d %s", code, body)
	}
	if strings.Contains(found.Schema, `"id":`) || !strings.Contains(found.Schema, `"$schema":"http://json-schema.org/draft-07/schema#"`) {
		t.Errorf("served schema keeps the registry id or lacks $schema: %s", found.Schema)
	}
	changed := strings.Replace(f.file("ticks_v1", "1.1.0"), `"title":"Level-1 ticks"`, `"title":"changed"`, 1)
	if changed == f.file("ticks_v1", "1.1.0") {
		t.Fatal("the fixture has no title to change")
	}
	code, body, _ = f.do("POST", "/subjects/ticks_v1/versions", schemaBody(t, changed))
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"error_code":42205`) || !strings.Contains(string(body), "pull request") {
		t.Errorf("register a new schema: %d %s, want 422 42205 naming a pull request", code, body)
	}
	code, body, _ = f.do("POST", "/subjects/ticks_v1", schemaBody(t, changed))
	if code != http.StatusNotFound || !strings.Contains(string(body), `"error_code":40403`) {
		t.Errorf("look up an unpublished schema: %d %s, want 404 40403", code, body)
	}
}

func TestCompatibility(t *testing.T) {
	f := newFixture(t, NamingID)
	latest := f.file("ticks_v1", "1.1.1")
	var ans CompatibilityAnswer
	code, body, _ := f.do("POST", "/compatibility/subjects/ticks_v1/versions/latest", schemaBody(t, latest))
	if err := json.Unmarshal(body, &ans); code != http.StatusOK || err != nil || !ans.IsCompatible {
		t.Errorf("the latest against itself: %d %s, want compatible", code, body)
	}
	// Narrowing price's type breaks BACKWARD.
	narrowed := strings.Replace(latest, `"type":"number"`, `"type":"string"`, 1)
	if narrowed == latest {
		t.Fatal("the fixture has no number to narrow")
	}
	code, body, _ = f.do("POST", "/compatibility/subjects/ticks_v1/versions/latest?verbose=true", schemaBody(t, narrowed))
	ans = CompatibilityAnswer{}
	if err := json.Unmarshal(body, &ans); code != http.StatusOK || err != nil || ans.IsCompatible || len(ans.Messages) == 0 {
		t.Errorf("a narrowed type: %d %s, want incompatible with messages", code, body)
	}
}

func TestErrors(t *testing.T) {
	f := newFixture(t, NamingID)
	big := schemaBody(t, `{"description":"`+strings.Repeat("x", 70<<10)+`"}`)
	for _, tc := range []struct {
		method, path, body string
		status, code       int
	}{
		{"GET", "/subjects/nope_v1/versions", "", 404, CodeSubjectNotFound},
		{"GET", "/subjects/" + strings.Repeat("a", 300) + "/versions", "", 404, CodeSubjectNotFound},
		{"GET", "/subjects/ticks_v1/versions/9", "", 404, CodeVersionNotFound},
		{"GET", "/subjects/ticks_v1/versions/0", "", 422, CodeInvalidVersion},
		{"GET", "/subjects/ticks_v1/versions/1.1.0", "", 422, CodeInvalidVersion},
		{"GET", "/subjects/ticks_v1/versions/99999999999999999999", "", 422, CodeInvalidVersion},
		{"GET", "/schemas/ids/0", "", 404, CodeSchemaNotFound},
		{"GET", "/schemas/ids/999999", "", 404, CodeSchemaNotFound},
		{"GET", "/schemas/ids/abc", "", 404, CodeSchemaNotFound},
		{"GET", "/no/such/route", "", 404, CodeRouteNotFound},
		{"POST", "/subjects/ticks_v1", "not json", 400, CodeBadRequest},
		{"POST", "/subjects/ticks_v1", `{"schema":""}`, 422, CodeInvalidSchema},
		{"POST", "/subjects/ticks_v1", `{"schema":"{\"type\":","schemaType":"JSON"}`, 422, CodeInvalidSchema},
		{"POST", "/subjects/ticks_v1", `{"schema":"syntax = \"proto3\";","schemaType":"PROTOBUF"}`, 422, CodeInvalidSchema},
		{"POST", "/subjects/ticks_v1/versions", big, 413, CodeTooLarge},
		{"POST", "/compatibility/subjects/nope_v1/versions/latest", schemaBody(t, `{}`), 404, CodeSubjectNotFound},
	} {
		code, body, resp := f.do(tc.method, tc.path, tc.body)
		var e Error
		if err := json.Unmarshal(body, &e); err != nil || code != tc.status || e.Code != tc.code || e.Message == "" {
			t.Errorf("%s %.60s: %d %.200s, want %d with error_code %d", tc.method, tc.path, code, body, tc.status, tc.code)
		}
		if ct := resp.Header.Get("Content-Type"); ct != ContentType {
			t.Errorf("%s %.60s: Content-Type %q", tc.method, tc.path, ct)
		}
	}
}

func TestReferencesNameRegistryRefs(t *testing.T) {
	f := newFixture(t, NamingValue)
	inst, _ := f.bundle.Manifest.Schema("instruments_v1")
	want := []Reference{{Name: "instruments_v1", Subject: "instruments_v1-value", Version: len(inst.Versions)}}
	var got SchemaAnswer
	f.get("/subjects/quotes_v1-value/versions/latest", &got)
	if diff := cmp.Diff(want, got.References); diff != "" {
		t.Errorf("references of quotes_v1 (-want +got):\n%s", diff)
	}
	var byID ByIDAnswer
	f.get("/schemas/ids/"+strconv.Itoa(got.ID), &byID)
	if diff := cmp.Diff(want, byID.References); diff != "" {
		t.Errorf("references by id (-want +got):\n%s", diff)
	}
	var inst1 SchemaAnswer
	f.get("/subjects/instruments_v1-value/versions/latest", &inst1)
	if len(inst1.References) != 0 {
		t.Errorf("instruments_v1 refers only to itself, got references %+v", inst1.References)
	}
}
