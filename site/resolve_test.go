package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/compiler/document"
)

// TestRefsResolveAsOfPublication checks that a version's page shows the
// documents its registry $refs named when it was published, not the latest
// ones: a version page never changes.
func TestRefsResolveAsOfPublication(t *testing.T) {
	ref := func(version, maxLength string) string {
		return `{"id": "names_v1", "version": "` + version + `", "type": "object",
			"definitions": {"name": {"type": "string", "maxLength": ` + maxLength + `}},
			"properties": {"name": {"$ref": "#/definitions/name"}}}`
	}
	user := func(version string) string {
		return `{"id": "users_v1", "version": "` + version + `", "type": "object",
			"properties": {"name": {"$ref": "names_v1#/definitions/name"}}}`
	}
	docs := map[string]*document.Document{}
	for key, text := range map[string]string{
		"names_v1@1.0.0": ref("1.0.0", "32"),
		"names_v1@1.1.0": ref("1.1.0", "64"),
		"users_v1@1.0.0": user("1.0.0"),
		"users_v1@1.0.1": user("1.0.1"),
	} {
		docs[key] = mustParse(t, text)
	}
	at := func(time, bump string) published {
		return published{commit: strings.Repeat("a", 40), time: time, author: "A <a@example.com>", bump: bump, required: bump, compatible: true}
	}
	history := map[string]published{
		"names_v1@1.0.0": at("2026-01-01T00:00:00Z", "none"),
		"users_v1@1.0.0": at("2026-01-02T00:00:00Z", "none"),
		"names_v1@1.1.0": at("2026-01-03T00:00:00Z", "minor"),
		"users_v1@1.0.1": at("2026-01-04T00:00:00Z", "patch"),
	}
	dir, _ := mustGenerate(t, buildBundle(t, docs, nil, history, false), Options{})
	for _, tc := range []struct{ page, link, maxLength string }{
		{"users_v1/1.0.0/index.html", "../../names_v1/1.0.0/index.html", "max length <code>32</code>"},
		{"users_v1/1.0.1/index.html", "../../names_v1/1.1.0/index.html", "max length <code>64</code>"},
	} {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(tc.page)))
		if err != nil {
			t.Fatal(err)
		}
		html := string(data)
		if !strings.Contains(html, `href="`+tc.link+`"`) || !strings.Contains(html, tc.maxLength) {
			t.Errorf("%s does not link %s and show %s", tc.page, tc.link, tc.maxLength)
		}
	}
}
