package confluent

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestImportRefusesBadAnswers(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		serve      func(w http.ResponseWriter)
	}{
		{"huge", "over", func(w http.ResponseWriter) {
			io.Copy(w, io.LimitReader(spaces{}, MaxImportResponse+10))
		}},
		{"not json", "not the JSON expected", func(w http.ResponseWriter) { io.WriteString(w, "<html>") }},
		{"error", "500", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `{"error_code":50001,"message":"boom"}`)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tc.serve(w) }))
			defer srv.Close()
			_, err := (&Source{URL: srv.URL}).Subjects(t.Context(), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "/subjects") {
				t.Errorf("Subjects: %v, want an error naming /subjects and %q", err, tc.want)
			}
		})
	}
}

func TestPlanImportRefusesBadSchemas(t *testing.T) {
	for _, tc := range []struct {
		name string
		subs []SourceSubject
		want string
	}{
		{"not json", []SourceSubject{{Name: "a", Mode: "BACKWARD", Type: "JSON", Versions: []SourceVersion{{ID: 1, Version: 1, SchemaType: "JSON", Schema: "{"}}}}, `subject "a" version 1 (id 1): schema is not JSON`},
		{"not object", []SourceSubject{{Name: "a", Mode: "BACKWARD", Type: "JSON", Versions: []SourceVersion{{ID: 1, Version: 1, SchemaType: "JSON", Schema: "true"}}}}, "not a JSON object"},
		{"bad mode", []SourceSubject{{Name: "a", Mode: "SOMETIMES", Type: "JSON", Versions: []SourceVersion{{ID: 1, Version: 1, SchemaType: "JSON", Schema: "{}"}}}}, `mode "SOMETIMES"`},
		{"same id", []SourceSubject{
			{Name: "A", Mode: "BACKWARD", Type: "JSON", Versions: []SourceVersion{{ID: 1, Version: 1, SchemaType: "JSON", Schema: "{}"}}},
			{Name: "a", Mode: "BACKWARD", Type: "JSON", Versions: []SourceVersion{{ID: 2, Version: 1, SchemaType: "JSON", Schema: "{}"}}},
		}, "would both be schema id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := PlanImport(tc.subs, "schemas")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("PlanImport: %v, want %q", err, tc.want)
			}
		})
	}
}

type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}
