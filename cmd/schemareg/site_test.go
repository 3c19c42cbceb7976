package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/internal/bundle"
)

// writeSiteBundle writes a bundle of the repository's ticks_v1 schema to dir.
func writeSiteBundle(t *testing.T, dir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "schemas", "ticks_v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := document.ParseDocument("schemas/ticks_v1.json", data)
	if err != nil {
		t.Fatal(err)
	}
	ver := d.Version.String()
	b := &bundle.Bundle{Files: map[string][]byte{bundle.SchemaFile(d.ID, ver): d.Canonical}}
	b.Manifest.Schemas = []bundle.Schema{{ID: d.ID, Path: "schemas/ticks_v1.json", Latest: ver, Compatibility: "BACKWARD",
		Title: d.Title(), Description: d.Description(), Versions: []bundle.Version{{
			Version: ver, Digest: d.Digest, Size: len(d.Canonical), Path: "schemas/ticks_v1.json",
			Commit: strings.Repeat("1", 40), Time: "2026-01-05T09:00:00Z", Author: "Maya Chen <maya@example.com>",
			Bump: "none", RequiredBump: "none", Compatible: true,
		}}}}
	b.Manifest.Source = bundle.Source{Commit: strings.Repeat("1", 40), Time: "2026-01-05T09:00:00Z", Dir: "schemas", Commits: 1}
	if err := b.Manifest.Seal(); err != nil {
		t.Fatal(err)
	}
	if err := bundle.Write(dir, b); err != nil {
		t.Fatal(err)
	}
}

func TestSiteCommand(t *testing.T) {
	tmp := t.TempDir()
	bundleDir := filepath.Join(tmp, "bundle")
	writeSiteBundle(t, bundleDir)
	out := filepath.Join(tmp, "site")
	stdout, stderr, code := runCmd(t, nil, "site", "-bundle", bundleDir, "-out", out, "-title", "Ticks", "-base-url", "https://docs.example.com/")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "wrote the site of 1 schema and 1 version to "+out) {
		t.Errorf("stdout: %s", stdout)
	}
	for _, name := range []string{"index.html", "ticks_v1/index.html", "ticks_v1/1.1.1/index.html", "api/schemas.json", "sitemap.xml", "_headers"} {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(name))); err != nil {
			t.Error(err)
		}
	}
	sitemap, err := os.ReadFile(filepath.Join(out, "sitemap.xml"))
	if err != nil || !strings.Contains(string(sitemap), "<loc>https://docs.example.com/ticks_v1/</loc>") {
		t.Errorf("sitemap.xml does not use the base URL: %s", sitemap)
	}

	t.Run("Environment", func(t *testing.T) {
		out := filepath.Join(tmp, "from-env")
		_, stderr, code := runCmd(t, map[string]string{"SCHEMAREG_BUNDLE": bundleDir, "SCHEMAREG_OUT": out}, "site")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
			t.Error(err)
		}
	})
}

func TestSiteCommandBadInput(t *testing.T) {
	tmp := t.TempDir()
	bundleDir := filepath.Join(tmp, "bundle")
	writeSiteBundle(t, bundleDir)
	notASite := filepath.Join(tmp, "notes")
	writeFiles(t, notASite, map[string]string{"mine.txt": "keep me"})
	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"NoBundle", []string{"-bundle", filepath.Join(tmp, "missing")}, exitUsage, "run \"schemareg compile\" first"},
		{"Arguments", []string{"-bundle", bundleDir, "extra"}, exitUsage, "takes no arguments"},
		{"EmptyOut", []string{"-bundle", bundleDir, "-out", ""}, exitUsage, "-out (SCHEMAREG_OUT) is empty"},
		{"RelativeBaseURL", []string{"-bundle", bundleDir, "-base-url", "docs/"}, exitUsage, "invalid -base-url"},
		{"OtherScheme", []string{"-bundle", bundleDir, "-base-url", "ftp://x/"}, exitUsage, "invalid -base-url"},
		{"NotASite", []string{"-bundle", bundleDir, "-out", notASite}, exitFailed, "is not a site schemareg generated"},
		{"Help", []string{"-h"}, exitOK, "SCHEMAREG_BASE_URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := runCmd(t, nil, append([]string{"site"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.inStderr) {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.code, stderr)
			}
		})
	}
	if data, err := os.ReadFile(filepath.Join(notASite, "mine.txt")); err != nil || string(data) != "keep me" {
		t.Errorf("the directory that is not a site changed: %v", err)
	}
}
