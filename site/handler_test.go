package site

import (
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestHandler(t *testing.T) {
	dir, _ := mustGenerate(t, exampleBundle(t), Options{})
	h := http.StripPrefix("/docs", Handler(os.DirFS(dir)))
	tests := []struct {
		name, method, path string
		status             int
		cache, typ         string
		location, body     string
	}{
		{"Index", "GET", "/docs/", 200, CacheShort, "text/html; charset=utf-8", "", "<h1>Schema registry</h1>"},
		{"IndexFile", "GET", "/docs/index.html", 200, CacheShort, "text/html; charset=utf-8", "", "search-index"},
		{"SchemaPage", "GET", "/docs/ticks_v1/", 200, CacheShort, "text/html; charset=utf-8", "", "Version 2.0.0"},
		{"SchemaRedirect", "GET", "/docs/ticks_v1", 301, CacheShort, "", "ticks_v1/", ""},
		{"VersionPage", "GET", "/docs/ticks_v1/1.1.0/", 200, CacheImmutable, "text/html; charset=utf-8", "", "<h1>ticks_v1"},
		{"DiffPage", "GET", "/docs/ticks_v1/diff/1.1.1..2.0.0/", 200, CacheImmutable, "text/html; charset=utf-8", "", "breaking"},
		{"Changelog", "GET", "/docs/ticks_v1/changelog/", 200, CacheShort, "text/html; charset=utf-8", "", "Changelog of ticks_v1"},
		{"RawJSON", "GET", "/docs/ticks_v1/1.0.0.json", 200, CacheImmutable, "application/json", "", `"id":"ticks_v1"`},
		{"Mirror", "GET", "/docs/api/schema/ticks_v1/1.0.0.json", 200, CacheImmutable, "application/json", "", `"version":"1.0.0"`},
		{"Versions", "GET", "/docs/api/schema/ticks_v1/versions.json", 200, CacheShort, "application/json", "", `{"id":"ticks_v1"`},
		{"Schemas", "GET", "/docs/api/schemas.json", 200, CacheShort, "application/json", "", `{"schemas":[`},
		{"Sitemap", "GET", "/docs/sitemap.xml", 200, CacheShort, "application/xml; charset=utf-8", "", "<urlset"},
		{"Head", "HEAD", "/docs/ticks_v1/1.0.0.json", 200, CacheImmutable, "application/json", "", ""},
		{"Unknown", "GET", "/docs/nope/", 404, CacheShort, "text/html; charset=utf-8", "", "Not found"},
		{"HeadersFileHidden", "GET", "/docs/_headers", 404, CacheShort, "text/html; charset=utf-8", "", "Not found"},
		{"DotFileHidden", "GET", "/docs/.nojekyll", 404, CacheShort, "text/html; charset=utf-8", "", "Not found"},
		{"Post", "POST", "/docs/", 405, "", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			if tc.cache != "" && rec.Header().Get("Cache-Control") != tc.cache {
				t.Errorf("Cache-Control %q, want %q", rec.Header().Get("Cache-Control"), tc.cache)
			}
			if tc.typ != "" && rec.Header().Get("Content-Type") != tc.typ {
				t.Errorf("Content-Type %q, want %q", rec.Header().Get("Content-Type"), tc.typ)
			}
			if tc.location != "" && rec.Header().Get("Location") != tc.location {
				t.Errorf("Location %q, want %q", rec.Header().Get("Location"), tc.location)
			}
			if !strings.Contains(rec.Body.String(), tc.body) {
				t.Errorf("body does not contain %q", tc.body)
			}
			if tc.status == 200 && strings.HasSuffix(tc.path, "/") && !strings.Contains(rec.Header().Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("no Content-Security-Policy on a page")
			}
		})
	}
}

func TestHandlerNotModified(t *testing.T) {
	dir, _ := mustGenerate(t, exampleBundle(t), Options{})
	h := Handler(os.DirFS(dir))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/ticks_v1/1.0.0.json", nil))
	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	req := httptest.NewRequest("GET", "/ticks_v1/1.0.0.json", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("status %d with a matching If-None-Match, want 304", rec.Code)
	}
}

// TestHeadersFile reads _headers the way a CDN that lets the later of two
// matching rules win does (Netlify), and checks that it gives every file of
// the site the Cache-Control the handler sends.
func TestHeadersFile(t *testing.T) {
	dir, _ := mustGenerate(t, exampleBundle(t), Options{})
	tree := readTree(t, dir, true)
	rules := parseHeaders(t, string(tree[headersFile]))
	checked := 0
	for name := range tree {
		if !servable(name) {
			continue
		}
		urls := []string{"/" + name}
		if dir, ok := strings.CutSuffix(name, "index.html"); ok {
			urls = append(urls, "/"+dir)
		}
		for _, u := range urls {
			got := ""
			for _, r := range rules {
				if r.pattern.MatchString(u) && r.headers["Cache-Control"] != "" {
					got = r.headers["Cache-Control"]
				}
			}
			if want := cacheControl(name); got != want {
				t.Errorf("%s: _headers gives Cache-Control %q, the handler %q", u, got, want)
			}
			checked++
		}
	}
	if checked < 50 {
		t.Errorf("checked only %d paths", checked)
	}
	if rules[0].headers["Content-Security-Policy"] == "" || rules[0].headers["X-Content-Type-Options"] != "nosniff" {
		t.Errorf("the first rule sets no security headers: %v", rules[0].headers)
	}
}

type headerRule struct {
	pattern *regexp.Regexp
	headers map[string]string
}

// parseHeaders parses _headers: ":name" matches one path segment, "*" any
// characters.
func parseHeaders(t *testing.T, text string) []headerRule {
	t.Helper()
	var rules []headerRule
	for _, line := range strings.Split(text, "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "/"):
			var re strings.Builder
			re.WriteString("^")
			for _, part := range regexp.MustCompile(`:[a-z]+|\*|[^:*]+`).FindAllString(line, -1) {
				switch {
				case part == "*":
					re.WriteString(".*")
				case strings.HasPrefix(part, ":"):
					re.WriteString("[^/]+")
				default:
					re.WriteString(regexp.QuoteMeta(part))
				}
			}
			re.WriteString("$")
			rules = append(rules, headerRule{pattern: regexp.MustCompile(re.String()), headers: map[string]string{}})
		case strings.HasPrefix(line, "  ") && len(rules) > 0:
			k, v, ok := strings.Cut(strings.TrimSpace(line), ": ")
			if !ok {
				t.Fatalf("_headers: bad header line %q", line)
			}
			rules[len(rules)-1].headers[k] = v
		default:
			t.Fatalf("_headers: bad line %q", line)
		}
	}
	if len(rules) == 0 {
		t.Fatal("_headers has no rules")
	}
	return rules
}
