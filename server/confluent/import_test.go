package confluent

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/schemareg/schemareg/internal/bundle"
)

var importWhen = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// importInto reads the registry at url, plans and commits the import into a
// new repository and returns the plan and the compiled bundle.
func importInto(t *testing.T, url string, match *regexp.Regexp) (*ImportPlan, *bundle.Bundle, error) {
	t.Helper()
	subs, err := (&Source{URL: url}).Subjects(t.Context(), match)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := PlanImport(subs, "schemas")
	if err != nil {
		t.Fatal(err)
	}
	res, err := CommitImport(t.Context(), plan, CommitOptions{Repo: filepath.Join(t.TempDir(), "repo"), From: url,
		Author: "Importer", Email: "import@example.com", When: importWhen})
	if res == nil {
		return plan, nil, err
	}
	return plan, res.Bundle, err
}

// TestImportRoundTrip imports what schemareg's own Confluent API serves and
// compiles it: every version's canonical bytes come back byte for byte.
func TestImportRoundTrip(t *testing.T) {
	f := newFixture(t, NamingID)
	_, b, err := importInto(t, f.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, s := range f.bundle.Manifest.Schemas {
		for _, v := range s.Versions {
			want = append(want, s.ID+" "+v.Version)
		}
	}
	for _, s := range b.Manifest.Schemas {
		for _, v := range s.Versions {
			got = append(got, s.ID+" "+v.Version)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("imported versions (-want +got):\n%s", diff)
	}
	for name, data := range f.bundle.Files {
		if !strings.HasSuffix(name, ".json") {
			continue
		}
		if got := b.Files[name]; string(got) != string(data) {
			t.Errorf("%s differs after the round trip:\nwant %s\ngot  %s", name, data, got)
		}
	}
}

// recordedRegistry serves testdata/confluent_export.json: the answers of a
// Confluent registry, by path, in Confluent's documented shapes.
func recordedRegistry(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("testdata/confluent_export.json")
	if err != nil {
		t.Fatal(err)
	}
	var answers map[string]json.RawMessage
	if err := json.Unmarshal(data, &answers); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ContentType)
		a, ok := answers[r.URL.Path]
		if !ok || r.Method != http.MethodGet {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"error_code":40408,"message":"Subject '%s' does not have subject-level compatibility configured"}`, r.URL.Path)
			return
		}
		w.Write(a)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestImportRecordedExport(t *testing.T) {
	url := recordedRegistry(t)
	plan, b, err := importInto(t, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, st := range plan.Steps {
		steps = append(steps, fmt.Sprintf("%d %s@%d -> %s %s %s bump %s", st.GlobalID, st.Subject, st.Version, st.Path, st.SemVer, st.Mode, st.Bump))
	}
	want := []string{
		"1 customer@1 -> schemas/customer.json 1.0.0 BACKWARD bump none",
		"2 orders-value@1 -> schemas/orders-value.json 1.0.0 FULL bump none",
		"4 events-value@1 -> schemas/events-value.json 1.0.0 NONE bump none",
		"5 orders-value@2 -> schemas/orders-value.json 1.1.0 FULL bump minor",
		"6 events-value@2 -> schemas/events-value.json 1.1.0 NONE bump minor",
		"7 orders-value@3 -> schemas/orders-value.json 1.1.1 FULL bump patch",
	}
	if diff := cmp.Diff(want, steps); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	if len(plan.Skipped) != 1 || plan.Skipped[0].Name != "payments-value" || plan.Skipped[0].Type != "AVRO" {
		t.Errorf("skipped %+v, want payments-value (AVRO)", plan.Skipped)
	}
	// The reference became a registry $ref, and the mode is in the file.
	orders := string(b.Files[bundle.SchemaFile("orders-value", "1.1.1")])
	if !strings.Contains(orders, `"$ref":"customer"`) || !strings.Contains(orders, `"compatibility":"FULL"`) {
		t.Errorf("orders-value 1.1.1: %s, want $ref customer and compatibility FULL", orders)
	}

	// --subjects narrows the import.
	plan, _, err = importInto(t, url, regexp.MustCompile(`^events`))
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Steps) != 2 || plan.Steps[0].Subject != "events-value" {
		t.Errorf("--subjects ^events: %+v", plan.Steps)
	}
}

// TestImportNamesTheVersionThatBreaks imports a history whose own versions
// claim a bump smaller than the changes need.
func TestImportNamesTheVersionThatBreaks(t *testing.T) {
	v1 := `{"id":"ev","version":"1.0.0","type":"object","properties":{"kind":{"type":"string"}},"additionalProperties":false}`
	v2 := `{"id":"ev","version":"1.0.1","type":"object","properties":{"kind":{"type":"integer"}},"additionalProperties":false}`
	answers := map[string]any{
		"/subjects":               []string{"ev"},
		"/config":                 ConfigAnswer{CompatibilityLevel: "BACKWARD"},
		"/subjects/ev/versions":   []int{1, 2},
		"/subjects/ev/versions/1": SourceVersion{Subject: "ev", ID: 1, Version: 1, SchemaType: "JSON", Schema: v1},
		"/subjects/ev/versions/2": SourceVersion{Subject: "ev", ID: 2, Version: 2, SchemaType: "JSON", Schema: v2},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := answers[r.URL.Path]
		if !ok {
			http.Error(w, `{"error_code":40401,"message":"not found"}`, http.StatusNotFound)
			return
		}
		json.NewEncoder(w).Encode(a)
	}))
	defer srv.Close()
	_, _, err := importInto(t, srv.URL, nil)
	if err == nil || !strings.Contains(err.Error(), "subject ev version 2 (schema id 2, imported as ev 1.0.1)") {
		t.Errorf("import of a history that breaks its mode: %v, want the subject and version named", err)
	}
}

func TestSchemaIDOf(t *testing.T) {
	for in, want := range map[string]string{
		"ticks_v1":               "ticks_v1",
		"Orders-Value":           "orders-value",
		"com.acme/Payment":       "com.acme_payment",
		"1st":                    "s_1st",
		"":                       "s_",
		strings.Repeat("a", 300): strings.Repeat("a", 128),
	} {
		if got := SchemaIDOf(in); got != want || !bundle.ValidID(got) {
			t.Errorf("SchemaIDOf(%.20q) = %q, want %q (a valid id)", in, got, want)
		}
	}
}
