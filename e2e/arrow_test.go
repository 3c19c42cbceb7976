package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/google/go-cmp/cmp"
)

// arrowSchema is one Arrow schema as a reader sees it: what the Go and the
// JavaScript implementations must agree on.
type arrowSchema struct {
	File     string            `json:"file"`
	Fields   []arrowField      `json:"fields"`
	Metadata map[string]string `json:"metadata"`
}

type arrowField struct {
	Name     string            `json:"name"`
	Type     string            `json:"type"`
	Nullable bool              `json:"nullable"`
	Metadata map[string]string `json:"metadata"`
}

// TestArrowFromJavaScript reads every version of every example schema's
// GET /schema/{id}/{version}/arrow answer, served by "schemareg dev", with
// Arrow's JavaScript implementation (npm apache-arrow, pinned in
// e2e/arrow/package.json) and with arrow-go, and compares field names,
// types, nullability and metadata. Every field the schema's arrow block
// names must be among those read.
func TestArrowFromJavaScript(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: runs the built binary")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("SKIPPED: node is not installed; the Arrow JavaScript cross-check needs node and `npm ci` in e2e/arrow")
	}
	if _, err := os.Stat("arrow/node_modules/apache-arrow"); err != nil {
		t.Fatalf("apache-arrow is not installed: run `npm ci` in e2e/arrow (.ci/deps does): %v", err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	clone := filepath.Join(t.TempDir(), "repo")
	git(t, filepath.Dir(clone), "clone", "-q", root, clone)
	addr := freeAddr(t)
	start(t, clone, "dev", "--addr", addr, "--data-dir", t.TempDir())
	base := "http://" + addr
	waitFor(t, time.Minute, "the registry ready", func() bool {
		code, _, _ := get(t, base+"/ready")
		return code == http.StatusOK
	})

	var list struct {
		Schemas []struct{ ID string } `json:"schemas"`
	}
	getJSON(t, base+"/schemas", &list)
	dir := t.TempDir()
	var want []arrowSchema
	var files []string
	blocks := map[string][]string{}
	for _, s := range list.Schemas {
		var vl struct {
			Versions []struct{ Version string } `json:"versions"`
		}
		getJSON(t, base+"/schema/"+s.ID+"/versions", &vl)
		for _, v := range vl.Versions {
			url := base + "/schema/" + s.ID + "/" + v.Version + "/arrow"
			code, _, body := get(t, url)
			if code == http.StatusNotFound {
				continue // no top-level properties: no Arrow schema
			}
			if code != http.StatusOK {
				t.Fatalf("GET %s: %d %s", url, code, body)
			}
			file := filepath.Join(dir, s.ID+"-"+v.Version+".arrow")
			if err := os.WriteFile(file, body, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, file)
			want = append(want, readArrowGo(t, file, body))
			var js struct {
				Block *struct {
					Fields []struct{ Name string } `json:"fields"`
				} `json:"block"`
			}
			getJSON(t, url+"?format=json", &js)
			if js.Block != nil && len(js.Block.Fields) > 0 {
				for _, f := range js.Block.Fields {
					blocks[file] = append(blocks[file], f.Name)
				}
			}
		}
	}
	if len(files) < len(list.Schemas) {
		t.Fatalf("only %d Arrow schemas for %d schemas", len(files), len(list.Schemas))
	}

	cmd := exec.CommandContext(t.Context(), node, append([]string{"read_schemas.mjs"}, files...)...)
	cmd.Dir = "arrow"
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node read_schemas.mjs: %v\n%s", err, stderr.String())
	}
	var got []arrowSchema
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node's output: %v\n%s", err, out)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("arrow-go and Arrow JS read the schemas differently (-go +js):\n%s", diff)
	}
	for _, s := range got {
		read := map[string]bool{}
		for _, f := range s.Fields {
			read[f.Name] = true
		}
		for _, name := range blocks[s.File] {
			if !read[name] {
				t.Errorf("%s: the arrow block names %q, which Arrow JS does not read", filepath.Base(s.File), name)
			}
		}
	}
	t.Logf("%d Arrow schemas read alike by arrow-go and Arrow JS", len(got))
}

// readArrowGo reads IPC bytes with arrow-go.
func readArrowGo(t *testing.T, file string, data []byte) arrowSchema {
	t.Helper()
	rd, err := ipc.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	defer rd.Release()
	s := arrowSchema{File: file, Fields: []arrowField{}, Metadata: metadataMap(rd.Schema().Metadata())}
	for _, f := range rd.Schema().Fields() {
		s.Fields = append(s.Fields, arrowField{Name: f.Name, Type: f.Type.String(), Nullable: f.Nullable, Metadata: metadataMap(f.Metadata)})
	}
	return s
}

func metadataMap(m arrow.Metadata) map[string]string {
	out := map[string]string{}
	for i, k := range m.Keys() {
		out[k] = m.Values()[i]
	}
	return out
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	code, _, body := get(t, url)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, code, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatal(fmt.Errorf("GET %s: %w", url, err))
	}
}
