package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/internal/bundle"
)

// recordedConfluent serves the recorded export of a Confluent registry.
func recordedConfluent(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../server/confluent/testdata/confluent_export.json")
	if err != nil {
		t.Fatal(err)
	}
	var answers map[string]json.RawMessage
	if err := json.Unmarshal(data, &answers); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := answers[r.URL.Path]
		if !ok {
			http.Error(w, `{"error_code":40401,"message":"not found"}`, http.StatusNotFound)
			return
		}
		w.Write(a)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestImportCommand(t *testing.T) {
	url := recordedConfluent(t)
	repo := filepath.Join(t.TempDir(), "repo")
	stdout, stderr, code := runCmd(t, nil, "import", "--from", url, "--repo", repo, "--dry-run")
	if code != 0 || !strings.Contains(stdout, "skip payments-value: AVRO") || !strings.Contains(stdout, "dry run: 6 commits planned") {
		t.Fatalf("import --dry-run: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(repo); !os.IsNotExist(err) {
		t.Errorf("--dry-run wrote %s", repo)
	}
	stdout, stderr, code = runCmd(t, nil, "import", "--from", url, "--repo", repo, "--subjects", "^(customer|orders)")
	if code != 0 || !strings.Contains(stdout, "imported 4 versions") {
		t.Fatalf("import: exit %d\n%s%s", code, stdout, stderr)
	}
	out := filepath.Join(t.TempDir(), "bundle")
	if stdout, stderr, code = runCmd(t, nil, "compile", "--repo", repo, "--out", out); code != 0 {
		t.Fatalf("compile of the import: exit %d\n%s%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, bundle.ManifestFile))
	if err != nil || !strings.Contains(string(data), `"orders-value"`) {
		t.Errorf("compiled bundle: %v\n%s", err, data)
	}
}

func TestImportUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"NoFrom", []string{"import"}, "--from"},
		{"NotHTTP", []string{"import", "--from", "file:///etc/passwd"}, "--from"},
		{"Regex", []string{"import", "--from", "http://127.0.0.1:1", "--subjects", "("}, "--subjects"},
		{"Author", []string{"import", "--from", "http://127.0.0.1:1", "--author", "nobody"}, "--author"},
		{"Argument", []string{"import", "--from", "http://127.0.0.1:1", "extra"}, "takes no arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := runCmd(t, nil, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tc.want)
			}
		})
	}
}
