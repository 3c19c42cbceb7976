package validate

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/schemareg/schemareg/compiler/document"
)

// FuzzValidator compiles random schema documents beside this repository's
// schemas, as validate, compile, check and the server do, and validates a
// random data document with each that compiles: neither may panic or run
// without end, and a schema that does not compile is a Problem of its own
// file. The seed corpus is in testdata/fuzz/FuzzValidator: the schemas of
// this repository with rows for them, and schemas that reach outside the
// registry, hold numbers past the limits, or multiply a validator's work.
func FuzzValidator(f *testing.F) {
	repo := parseSchemas(f, filepath.Join("..", "..", "schemas"))
	f.Fuzz(func(t *testing.T, schema, data []byte) {
		if len(schema) > 1<<16 || len(data) > 1<<16 {
			t.Skip()
		}
		d, err := document.ParseSchema("f.json", schema)
		if err != nil {
			return
		}
		reg := NewRegistry(repo...)
		reg.Add(d)
		v, err := reg.Compile(d)
		if err != nil {
			var p *document.Problem
			if !errors.As(err, &p) || p.Path != "f.json" {
				t.Fatalf("compile error not about the file: %v", err)
			}
			return
		}
		// ValidateJSON, whose fast path certifies rows without parsing
		// them, must answer as ParseData and Validate do.
		errs, perr := v.ValidateJSON(data)
		value, err := ParseData(data)
		if err != nil {
			if perr == nil {
				t.Fatalf("ValidateJSON took bytes ParseData refuses (%v): %q", err, data)
			}
			return
		}
		if full := v.Validate(value); perr != nil || len(errs) != len(full) {
			t.Fatalf("ValidateJSON = %v, %v; the full path %v, for %q", errs, perr, full, data)
		}
	})
}

// TestValidateJSONMatchesFullPath checks ValidateJSON against ParseData and
// Validate on rows of the repository's ticks schema, which its fast path
// certifies: valid rows, each keyword broken, and bytes that are not JSON.
func TestValidateJSONMatchesFullPath(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "schemas", "ticks_v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := document.ParseDocument("schemas/ticks_v1.json", data)
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewRegistry(d).Compile(d)
	if err != nil {
		t.Fatal(err)
	}
	if v.fast == nil {
		t.Fatal("ticks_v1 has no fast path")
	}
	const ok = `{"ts":"2026-01-02T15:04:05.000123Z","symbol":"AAPL","price":187.42,"size":100,"side":"B","exchange":"XNAS"}`
	rows := []struct {
		row   string
		valid bool
	}{
		{ok, true},
		{`{"ts":"2026-01-02T15:04:05Z","symbol":"A","price":0.5,"size":0,"side":"S"}`, true},
		{`{"ts":"2026-01-02 15:04:05","symbol":"AAPL","price":1,"size":1,"side":"B"}`, false},
		{`{"ts":"2026-01-02T15:04:05Z","symbol":"","price":1,"size":1,"side":"B"}`, false},
		{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","price":0,"size":1,"side":"B"}`, false},
		{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","price":1,"size":1.5,"side":"B"}`, false},
		{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","price":1,"size":1,"side":"X"}`, false},
		{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","price":1,"size":1,"side":"B","exchange":"xnas"}`, false},
		{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","price":1,"size":1,"side":"B","venue":"X"}`, false},
		{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","price":1,"size":1}`, false},
		{`{"ts":"2026-01-02T15:04:05Z","ts":"2026-01-02T15:04:05Z","symbol":"AAPL","price":1,"size":1,"side":"B"}`, false},
	}
	for _, tc := range rows {
		errs, perr := v.ValidateJSON([]byte(tc.row))
		if (perr == nil && len(errs) == 0) != tc.valid {
			t.Errorf("%s: errors %v, %v; want valid %v", tc.row, errs, perr, tc.valid)
		}
		value, err := ParseData([]byte(tc.row))
		if (err != nil) != (perr != nil) {
			t.Errorf("%s: ParseData %v, ValidateJSON %v", tc.row, err, perr)
			continue
		}
		if err == nil {
			if full := v.Validate(value); len(full) != len(errs) {
				t.Errorf("%s: ValidateJSON %v, the full path %v", tc.row, errs, full)
			}
		}
	}
	if !v.fast.Valid([]byte(ok)) {
		t.Error("the fast path does not certify a valid tick")
	}
}
