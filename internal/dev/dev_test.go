package dev

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/internal/gittest"
	"github.com/schemareg/schemareg/server"
	"github.com/schemareg/schemareg/site"
	"github.com/schemareg/schemareg/syncer"
)

// TestDocsBeforeTheFirstSite asks for /docs/ before the first generation's
// site is written: a 503 in the server's error shape, with Retry-After, not
// a 404; then the site once it is.
func TestDocsBeforeTheFirstSite(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p := &publisher{log: log, bundleDir: filepath.Join(dir, "bundle"), siteDir: filepath.Join(dir, "site")}
	srv := server.New(etcdtest.Start(t).Client(t), log, server.Options{})
	p.srv = srv
	srv.Mount("/docs/", p.docs(srv, http.StripPrefix("/docs", site.Handler(os.DirFS(p.siteDir)))))
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	resp, body := get(t, ts.URL+"/docs/")
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("/docs/ before the site: %d, body %q: %v", resp.StatusCode, body, err)
	}
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "1" ||
		e.Error.Code != "unavailable" || !strings.Contains(e.Error.Message, "docs site is being generated") {
		t.Errorf("/docs/ before the site: %d, Retry-After %q, %+v", resp.StatusCode, resp.Header.Get("Retry-After"), e.Error)
	}

	repo := gittest.New(t)
	repo.Write("schemas/ticks_v1.json", `{"id": "ticks_v1", "version": "1.0.0", "type": "object", "properties": {"ts": {"type": "string"}}}`)
	repo.Commit("add ticks")
	res, err := compiler.Compile(t.Context(), compiler.CompileOptions{Repo: repo.Dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := bundle.Write(p.bundleDir, res.Bundle); err != nil {
		t.Fatal(err)
	}
	gen := res.Bundle.Manifest.Generation
	p.attempted(syncer.Attempt{Generation: gen, Result: &syncer.Result{Generation: gen}})
	resp, body = get(t, ts.URL+"/docs/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "ticks_v1") {
		t.Errorf("/docs/ after the site: %d\n%s", resp.StatusCode, body)
	}
}

func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}
