package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/server/internal/testrepo"
)

// editTicks returns ticks_v1 1.1.1 with another version and changes.
func editTicks(t *testing.T, h *harness, version string, change func(doc map[string]any)) []byte {
	t.Helper()
	return editDoc(t, h.file("ticks_v1", "1.1.1"), version, change)
}

// editDoc returns a document with another version and changes.
func editDoc(t *testing.T, base []byte, version string, change func(doc map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		t.Fatal(err)
	}
	doc["version"] = version
	if change != nil {
		change(doc)
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(data, '\n')
}

func addRequired(doc map[string]any) {
	doc["properties"].(map[string]any)["venue_id"] = map[string]any{"type": "string"}
	doc["required"] = append(doc["required"].([]any), "venue_id")
}

type refusal struct {
	Error   api.Error   `json:"error"`
	Verdict api.Verdict `json:"verdict"`
}

func TestCreateWithoutGit(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{MaxBody: 8 << 10})
	post := func(path string, body []byte, headers ...string) *response {
		t.Helper()
		return ts.do(t, http.MethodPost, path, body, append([]string{"Content-Type: application/schema+json"}, headers...)...)
	}
	next := ticks120(t, h)
	t.Run("Forbidden", func(t *testing.T) {
		var ref refusal
		post("/schema/ticks_v1", next).wantStatus(t, http.StatusForbidden).decode(t, &ref)
		if ref.Error.Code != "forbidden" || !strings.Contains(ref.Error.Message, "pull request") || !strings.Contains(ref.Error.Message, "dry_run=true") {
			t.Errorf("error %+v", ref.Error)
		}
		post("/schema/ticks_v1?dry_run=true", next).wantStatus(t, http.StatusOK).decode(t, &ref)
		v := ref.Verdict
		if !v.Allowed || v.Status != "new_version" || v.Latest != "1.1.1" || v.RequiredBump != "minor" ||
			v.Bump != "minor" || !v.Compatible || v.Path != "schemas/ticks_v1.json" || len(v.Changes) == 0 {
			t.Errorf("verdict %+v", v)
		}
	})
	t.Run("DryRun", func(t *testing.T) {
		var c api.Created
		post("/schema/ticks_v1?dry_run=true", next).wantStatus(t, http.StatusOK).decode(t, &c)
		if !c.DryRun || !c.Verdict.Allowed || c.Commit != "" {
			t.Errorf("dry run %+v", c)
		}
		post("/schema/ticks_v1?dry_run=maybe", next).wantError(t, http.StatusBadRequest, "bad_request")
	})
	t.Run("BumpTooSmall", func(t *testing.T) {
		var ref refusal
		post("/schema/ticks_v1?dry_run=true", editTicks(t, h, "1.2.0", addRequired)).wantStatus(t, http.StatusConflict).decode(t, &ref)
		v := ref.Verdict
		if ref.Error.Code != "conflict" || v.Allowed || v.Compatible || v.RequiredBump != "major" || v.NextVersion != "2.0.0" || len(v.Changes) == 0 {
			t.Errorf("refusal %+v", ref)
		}
		post("/schema/ticks_v1", editTicks(t, h, "2.0.0", addRequired)).wantStatus(t, http.StatusForbidden)
	})
	t.Run("VersionNotGreater", func(t *testing.T) {
		for _, version := range []string{"1.1.1", "1.0.5"} {
			var ref refusal
			post("/schema/ticks_v1?dry_run=true", editTicks(t, h, version, addRequired)).wantStatus(t, http.StatusConflict).decode(t, &ref)
			if ref.Verdict.Allowed || !strings.Contains(ref.Error.Message, "2.0.0") {
				t.Errorf("%s: %+v", version, ref)
			}
		}
	})
	t.Run("Unchanged", func(t *testing.T) {
		var c api.Created
		post("/schema/ticks_v1?dry_run=true", h.file("ticks_v1", "1.1.1")).wantStatus(t, http.StatusOK).decode(t, &c)
		if c.Verdict.Status != "unchanged" {
			t.Errorf("verdict %+v", c.Verdict)
		}
	})
	t.Run("NewSchema", func(t *testing.T) {
		var c api.Created
		post("/schema/fresh_v1?dry_run=1", testrepo.Synthetic("fresh_v1", "1.0.0")).wantStatus(t, http.StatusOK).decode(t, &c)
		if v := c.Verdict; v.Status != "new_schema" || !v.Allowed || v.Path != "schemas/fresh_v1.json" || v.Latest != "" {
			t.Errorf("verdict %+v", v)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		post("/schema/ticks_v1?dry_run=true", []byte(`{"id": "ticks_v1"`)).wantError(t, http.StatusUnprocessableEntity, "invalid_schema")
		post("/schema/ticks_v1?dry_run=true", []byte(`{"id": "ticks_v1", "type": "object"}`)).wantError(t, http.StatusUnprocessableEntity, "invalid_schema")
		post("/schema/ticks_v1?dry_run=true", editTicks(t, h, "1.2.0", func(d map[string]any) { d["type"] = 5 })).wantError(t, http.StatusUnprocessableEntity, "invalid_schema")
		post("/schema/quotes_v1?dry_run=true", next).wantError(t, http.StatusBadRequest, "bad_request")
		post("/schema/ticks_v1?dry_run=true", next, "Content-Type: text/plain").wantError(t, http.StatusUnsupportedMediaType, "unsupported_media_type")
		post("/schema/ticks_v1?dry_run=true", []byte(`{"pad":"`+strings.Repeat("x", 9000)+`"}`)).wantError(t, http.StatusRequestEntityTooLarge, "too_large")
		post("/schema/..", next).wantStatus(t, http.StatusNotFound)
	})
}

func TestCreateCommits(t *testing.T) {
	h := newHarness(t)
	bare := bareClone(t, h)
	ts := writeServer(t, h, bare)
	post := func(body []byte) *response {
		return ts.do(t, http.MethodPost, "/schema/ticks_v1", body, "Content-Type: application/json", "Authorization: Bearer "+aliceToken)
	}
	var c api.Created
	post(ticks120(t, h)).wantStatus(t, http.StatusAccepted).decode(t, &c)
	if c.Commit == "" || c.Branch != testrepo.Branch || !c.Verdict.Allowed {
		t.Fatalf("created %+v", c)
	}
	commit := branchCommit(t, bare)
	if commit.Hash.String() != c.Commit {
		t.Fatalf("branch at %s, the response names %s", commit.Hash, c.Commit)
	}
	f, err := commit.File("schemas/ticks_v1.json")
	if err != nil {
		t.Fatal(err)
	}
	if text, _ := f.Contents(); text != string(ticks120(t, h)) {
		t.Error("the committed file is not the body")
	}
	if commit.NumParents() != 1 || !strings.Contains(commit.Message, "ticks_v1 1.2.0") {
		t.Errorf("commit %s with %d parents", commit.Message, commit.NumParents())
	}

	// The commit flows through compile and sync like any other.
	publishFrom(t, h, bare)
	eventually(t, 5*time.Second, "1.2.0 served", func() bool {
		return ts.get(t, "/schema/ticks_v1/1.2.0").StatusCode == http.StatusOK
	})

	// A branch ahead of etcd: 1.3.0 is committed, not yet published.
	flags := func(d map[string]any) { d["properties"].(map[string]any)["flags"] = map[string]any{"type": "string"} }
	post(editDoc(t, ticks120(t, h), "1.3.0", flags)).wantStatus(t, http.StatusAccepted)
	var ref2 refusal
	post(editDoc(t, ticks120(t, h), "1.3.0", flags)).wantStatus(t, http.StatusConflict).decode(t, &ref2)
	if !strings.Contains(ref2.Error.Message, "branch has ticks_v1 at version 1.3.0") {
		t.Errorf("commit behind the branch: %+v", ref2)
	}
}
