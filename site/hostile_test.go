package site

import (
	"io"
	"path"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/internal/bundle"
)

// hostileSchema has markup and script in every place a schema author
// controls: titles, descriptions, property names, enum values, patterns,
// examples and $refs.
const hostileSchema = `{
  "id": "zz_hostile",
  "version": "1.0.0",
  "title": "</title><script>window.__xss=1</script>",
  "description": "<script>window.__xss=2</script> & <b>bold</b>",
  "type": "object",
  "examples": [{"note": "</pre><script>window.__xss=3</script>"}],
  "properties": {
    "\"><img src=x onerror=window.__xss=4>": {
      "type": "string",
      "description": "<img src=x onerror=window.__xss=5>",
      "enum": ["<script>window.__xss=6</script>", "javascript:window.__xss=7"],
      "pattern": "<svg onload=window.__xss=8>"
    },
    "</table><script>window.__xss=9</script>": {
      "type": "object",
      "title": "<iframe src=javascript:window.__xss=10>",
      "properties": {"<style>body{display:none}</style>": {"type": "integer", "default": "</td><script>window.__xss=11</script>"}}
    },
    "javascript:window.__xss=12": {"$ref": "javascript:window.__xss=12#/x"},
    "{{.Root}}": {"type": "string", "format": "<b>f</b>"}
  }
}`

// hostileBundle is the example bundle with the hostile schema, whose
// version carries hostile metadata and changes too.
func hostileBundle(t testing.TB) *bundle.Bundle {
	t.Helper()
	b := exampleBundle(t)
	s := bundle.Schema{ID: "zz_hostile", Path: "schemas/zz_hostile.json", Latest: "1.0.1", Compatibility: "<i>BACKWARD</i>"}
	for _, version := range []string{"1.0.0", "1.0.1"} {
		d, err := document.ParseDocument("zz_hostile.json", []byte(strings.Replace(hostileSchema, "1.0.0", version, 1)))
		if err != nil {
			t.Fatal(err)
		}
		v := bundle.Version{Version: version, Digest: d.Digest, Size: len(d.Canonical), Path: s.Path,
			Commit: "<script>window.__xss=13</script>", Time: "2026-06-01T00:00:00Z",
			Author: "\"><img src=x onerror=window.__xss=14>", Bump: "none", RequiredBump: "none", Compatible: true}
		if version != "1.0.0" {
			v.Bump, v.RequiredBump, v.Compatible = "patch", "<b>major</b>", false
			v.Changes = []api.Change{{Kind: "<b>KIND</b>", Path: "#/properties/\"><img src=x onerror=window.__xss=15>",
				Breaking: true, Message: "<script>window.__xss=16</script>"}}
		}
		s.Title, s.Description = d.Title(), d.Description()
		s.Versions = append(s.Versions, v)
		b.Files[bundle.SchemaFile(d.ID, version)] = d.Canonical
	}
	b.Manifest.Schemas = append(b.Manifest.Schemas, s)
	if err := b.Manifest.Seal(); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHostileContent checks that what a schema author writes renders as
// text: no element, attribute, script or URL of theirs reaches the pages.
func TestHostileContent(t *testing.T) {
	dir, _ := mustGenerate(t, hostileBundle(t), Options{})
	checkSite(t, dir, "")
	tree := readTree(t, dir, true)
	allowed := map[string]bool{}
	for _, tag := range strings.Fields(`html head meta title link script style body a header nav ol ul li span main
		h1 h2 p strong em dl dt dd time code section table caption thead tbody tr th td div pre button details
		summary form label input del ins br footer`) {
		allowed[tag] = true
	}
	ownScript := regexp.MustCompile(`^(\.\./)*_assets/site\.[0-9a-f]{12}\.js$`)
	texts := map[string]bool{}
	for name, data := range tree {
		if path.Ext(name) != ".html" {
			continue
		}
		z := html.NewTokenizer(strings.NewReader(string(data)))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				if z.Err() != io.EOF {
					t.Fatalf("%s: %v", name, z.Err())
				}
				break
			}
			tok := z.Token()
			switch tt {
			case html.TextToken:
				texts[tok.Data] = true
			case html.StartTagToken, html.SelfClosingTagToken:
				if !allowed[tok.Data] {
					t.Errorf("%s: element <%s> from the content", name, tok.Data)
				}
				attrs := map[string]string{}
				for _, a := range tok.Attr {
					attrs[a.Key] = a.Val
					if strings.HasPrefix(a.Key, "on") {
						t.Errorf("%s: event handler attribute %s=%q", name, a.Key, a.Val)
					}
					if (a.Key == "href" || a.Key == "src") && strings.Contains(strings.ToLower(a.Val), "javascript:") {
						t.Errorf("%s: script URL %s=%q", name, a.Key, a.Val)
					}
				}
				if tok.Data == "script" && !ownScript.MatchString(attrs["src"]) &&
					!(attrs["type"] == "application/json" && attrs["id"] == "search-index") {
					t.Errorf("%s: script %v", name, tok.Attr)
				}
				if tok.Data == "style" && name != notFoundPage {
					t.Errorf("%s: style element", name)
				}
			}
		}
	}
	all := strings.Join(sortedKeys(texts), "\n")
	for _, want := range []string{
		"<script>window.__xss=2</script> & <b>bold</b>",
		`"><img src=x onerror=window.__xss=4>`,
		`"<script>window.__xss=6</script>"`,
		"<svg onload=window.__xss=8>",
		"</table><script>window.__xss=9</script>",
		"<img src=x onerror=window.__xss=5>",
		"javascript:window.__xss=12#/x",
		"<script>window.__xss=16</script>",
		`"><img src=x onerror=window.__xss=14>`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("%q does not appear as text", want)
		}
	}
}
