package main

import (
	"os"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/expectations"
)

func TestExportGreatExpectations(t *testing.T) {
	stdout, stderr, code := runCmd(t, nil, "export", "--format", "great-expectations", "../../schemas/ticks_v1.json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile("../../schemas/ticks_v1.json")
	if err != nil {
		t.Fatal(err)
	}
	d, err := document.ParseSchema("../../schemas/ticks_v1.json", data)
	if err != nil {
		t.Fatal(err)
	}
	s, err := expectations.FromDocument(d)
	if err != nil {
		t.Fatal(err)
	}
	want, err := expectations.Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	if stdout != string(want) {
		t.Errorf("export wrote\n%s\nwant the package's suite\n%s", stdout, want)
	}
}

func TestExportRevision(t *testing.T) {
	stdout, stderr, code := runCmd(t, nil, "export", "--repo", "../..", "HEAD:schemas/ticks_v1.json")
	if code != 0 || !strings.Contains(stdout, `"name": "ticks_v1"`) {
		t.Fatalf("exit %d: %s\n%s", code, stderr, stdout)
	}
}

func TestExportBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := dir + "/bad.json"
	if err := os.WriteFile(bad, []byte("{\n  \"type\": \"object\",\n  \"properties\": {\n}}x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"UnknownFormat", []string{"export", "--format", "avro", "../../schemas/ticks_v1.json"}, `invalid -format "avro"`},
		{"NoSchema", []string{"export"}, "export needs one schema"},
		{"TwoSchemas", []string{"export", "a.json", "b.json"}, "export needs one schema"},
		{"Missing", []string{"export", dir + "/nope.json"}, "nope.json"},
		{"NotJSON", []string{"export", bad}, "bad.json:4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := runCmd(t, nil, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tc.want)
			}
		})
	}
}
