package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/site"
)

func TestGetSchema(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	latest := h.version("ticks_v1", latest)
	t.Run("Latest", func(t *testing.T) {
		for _, path := range []string{"/schema/ticks_v1", "/schema/ticks_v1/latest"} {
			r := ts.get(t, path).wantStatus(t, http.StatusOK)
			if !bytes.Equal(r.body, h.file("ticks_v1", latest.Version)) {
				t.Errorf("%s: body is not the latest version's bytes", path)
			}
			checkHeaders(t, r, typeSchema, `"`+latest.Digest+`"`, "public, max-age=60")
		}
	})
	t.Run("Version", func(t *testing.T) {
		v := h.version("ticks_v1", "1.0.0")
		r := ts.get(t, "/schema/ticks_v1/1.0.0").wantStatus(t, http.StatusOK)
		if !bytes.Equal(r.body, h.file("ticks_v1", "1.0.0")) {
			t.Error("body is not the version's bytes")
		}
		checkHeaders(t, r, typeSchema, `"`+v.Digest+`"`, cacheImmutable)
		if r.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Error("no Access-Control-Allow-Origin: *")
		}
	})
	t.Run("MaxAge", func(t *testing.T) {
		ts := h.server(Options{MaxAge: 5e9})
		r := ts.get(t, "/schema/ticks_v1").wantStatus(t, http.StatusOK)
		if cc := r.Header.Get("Cache-Control"); cc != "public, max-age=5" {
			t.Errorf("Cache-Control %q", cc)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		ts.get(t, "/schema/nope_v1").wantError(t, http.StatusNotFound, "not_found")
		ts.get(t, "/schema/ticks_v1/9.9.9").wantError(t, http.StatusNotFound, "not_found")
		ts.get(t, "/schema/ticks_v1/1.0.0/nope").wantError(t, http.StatusNotFound, "not_found")
		ts.get(t, "/nope").wantError(t, http.StatusNotFound, "not_found")
	})
	t.Run("BadSyntax", func(t *testing.T) {
		ts.get(t, "/schema/Ticks").wantError(t, http.StatusBadRequest, "bad_request")
		ts.get(t, "/schema/ticks_v1/1.0").wantError(t, http.StatusBadRequest, "bad_request")
		ts.get(t, "/schema/ticks_v1/v1.0.0").wantError(t, http.StatusBadRequest, "bad_request")
	})
	t.Run("MethodNotAllowed", func(t *testing.T) {
		r := ts.do(t, http.MethodDelete, "/schema/ticks_v1/1.0.0", nil)
		r.wantError(t, http.StatusMethodNotAllowed, "method_not_allowed")
		if allow := r.Header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "HEAD") {
			t.Errorf("Allow %q", allow)
		}
		ts.do(t, http.MethodPut, "/schemas", nil).wantError(t, http.StatusMethodNotAllowed, "method_not_allowed")
	})
}

func checkHeaders(t *testing.T, r *response, ctype, etag, cacheControl string) {
	t.Helper()
	if got := r.Header.Get("Content-Type"); got != ctype {
		t.Errorf("%s: Content-Type %q, want %q", r.Request.URL.Path, got, ctype)
	}
	if got := r.Header.Get("ETag"); got != etag {
		t.Errorf("%s: ETag %s, want %s", r.Request.URL.Path, got, etag)
	}
	if got := r.Header.Get("Cache-Control"); got != cacheControl {
		t.Errorf("%s: Cache-Control %q, want %q", r.Request.URL.Path, got, cacheControl)
	}
}

// readPaths are the GET routes with an ETag.
var readPaths = []string{
	"/schema/ticks_v1", "/schema/ticks_v1/latest", "/schema/ticks_v1/1.0.0", "/schema/quotes_v1/1.1.0",
	"/schema/ticks_v1/versions", "/schemas", "/schemas?limit=2", "/schemas?limit=2&after=quotes_v1",
	"/compat/ticks_v1/1.0.0/1.1.0", "/schema/ticks_v1/1.1.0/arrow", "/schema/ticks_v1/1.1.0/arrow?format=json",
}

func TestConditionalAndHead(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	for _, path := range readPaths {
		for _, enc := range []string{"", "gzip"} {
			t.Run(path+"/"+enc, func(t *testing.T) {
				hdr := "Accept-Encoding: " + enc
				full := ts.get(t, path, hdr).wantStatus(t, http.StatusOK)
				etag := full.Header.Get("ETag")
				if !strings.HasPrefix(etag, `"sha256:`) {
					t.Fatalf("ETag %q", etag)
				}
				for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
					r := ts.get(t, path, hdr, "If-None-Match: "+inm).wantStatus(t, http.StatusNotModified)
					if len(r.body) != 0 {
						t.Errorf("304 with a body")
					}
					for _, k := range []string{"ETag", "Cache-Control", "Vary"} {
						if r.Header.Get(k) != full.Header.Get(k) {
							t.Errorf("304 %s %q, the 200 had %q", k, r.Header.Get(k), full.Header.Get(k))
						}
					}
				}
				ts.get(t, path, hdr, `If-None-Match: "sha256:0000"`).wantStatus(t, http.StatusOK)
				head := ts.do(t, http.MethodHead, path, nil, hdr).wantStatus(t, http.StatusOK)
				if len(head.body) != 0 {
					t.Error("HEAD with a body")
				}
				for _, k := range []string{"ETag", "Cache-Control", "Content-Type", "Content-Length", "Content-Encoding", "Vary"} {
					if head.Header.Get(k) != full.Header.Get(k) {
						t.Errorf("HEAD %s %q, GET had %q", k, head.Header.Get(k), full.Header.Get(k))
					}
				}
			})
		}
	}
}

func TestGzip(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	for _, path := range []string{"/schema/ticks_v1/1.1.1", "/schemas", "/schema/ticks_v1/versions"} {
		plain := ts.get(t, path).wantStatus(t, http.StatusOK)
		for _, ae := range []string{"gzip", "deflate, gzip;q=0.5", "*", "br, GZIP"} {
			z := ts.get(t, path, "Accept-Encoding: "+ae).wantStatus(t, http.StatusOK)
			if z.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("%s with %q: Content-Encoding %q", path, ae, z.Header.Get("Content-Encoding"))
			}
			if z.Header.Get("Vary") != "Accept-Encoding" || plain.Header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("%s: Vary %q and %q", path, z.Header.Get("Vary"), plain.Header.Get("Vary"))
			}
			if want := strings.TrimSuffix(plain.Header.Get("ETag"), `"`) + `-gz"`; z.Header.Get("ETag") != want {
				t.Errorf("%s: gzip ETag %s, want %s", path, z.Header.Get("ETag"), want)
			}
			zr, err := gzip.NewReader(bytes.NewReader(z.body))
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(data, plain.body) {
				t.Errorf("%s: gunzipped body differs (%v)", path, err)
			}
			// The identity ETag does not validate the gzip variant.
			ts.get(t, path, "Accept-Encoding: "+ae, "If-None-Match: "+plain.Header.Get("ETag")).wantStatus(t, http.StatusOK)
		}
		for _, ae := range []string{"gzip;q=0", "identity", "br"} {
			r := ts.get(t, path, "Accept-Encoding: "+ae).wantStatus(t, http.StatusOK)
			if r.Header.Get("Content-Encoding") != "" {
				t.Errorf("%s with %q: Content-Encoding %q", path, ae, r.Header.Get("Content-Encoding"))
			}
		}
	}
}

func TestLists(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	t.Run("SameBytesAsTheSiteMirror", func(t *testing.T) {
		want, err := site.SchemasJSON(&h.bundle.Manifest)
		if err != nil {
			t.Fatal(err)
		}
		r := ts.get(t, "/schemas").wantStatus(t, http.StatusOK)
		if !bytes.Equal(r.body, want) {
			t.Errorf("/schemas:\n%s\nthe mirror:\n%s", r.body, want)
		}
		checkHeaders(t, r, typeJSON, r.Header.Get("ETag"), "public, max-age=60")
		for _, s := range h.bundle.Manifest.Schemas {
			want, err := site.VersionsJSON(&s)
			if err != nil {
				t.Fatal(err)
			}
			if r := ts.get(t, "/schema/"+s.ID+"/versions").wantStatus(t, http.StatusOK); !bytes.Equal(r.body, want) {
				t.Errorf("versions of %s:\n%s\nthe mirror:\n%s", s.ID, r.body, want)
			}
		}
	})
	t.Run("Pages", func(t *testing.T) {
		var all api.SchemaList
		ts.get(t, "/schemas").decode(t, &all)
		var got []api.SchemaEntry
		after := ""
		for pages := 0; ; pages++ {
			if pages > len(all.Schemas) {
				t.Fatal("pages do not end")
			}
			var p api.SchemaList
			ts.get(t, "/schemas?limit=2&after="+after).wantStatus(t, http.StatusOK).decode(t, &p)
			got = append(got, p.Schemas...)
			if p.Next == "" {
				break
			}
			if len(p.Schemas) != 2 || p.Next != p.Schemas[1].ID {
				t.Fatalf("page after %q: %+v", after, p)
			}
			after = p.Next
		}
		if len(got) != len(all.Schemas) {
			t.Fatalf("pages hold %d schemas, the list %d", len(got), len(all.Schemas))
		}
		for i := range got {
			if got[i] != all.Schemas[i] {
				t.Errorf("page entry %d: %+v, list %+v", i, got[i], all.Schemas[i])
			}
		}
	})
	t.Run("BadParameters", func(t *testing.T) {
		for _, q := range []string{"limit=0", "limit=-1", "limit=x", "limit=1001", "after=../x", "after=A"} {
			ts.get(t, "/schemas?"+q).wantError(t, http.StatusBadRequest, "bad_request")
		}
		ts.get(t, "/schema/nope_v1/versions").wantError(t, http.StatusNotFound, "not_found")
	})
}

func TestETagAcrossReplicas(t *testing.T) {
	h := newHarness(t)
	a, b := h.server(Options{}), h.server(Options{})
	for _, path := range readPaths {
		for _, enc := range []string{"", "gzip"} {
			ra := a.get(t, path, "Accept-Encoding: "+enc).wantStatus(t, http.StatusOK)
			rb := b.get(t, path, "Accept-Encoding: "+enc).wantStatus(t, http.StatusOK)
			if ra.Header.Get("ETag") != rb.Header.Get("ETag") || !bytes.Equal(ra.body, rb.body) {
				t.Errorf("%s (%s): replicas differ: ETag %s and %s", path, enc, ra.Header.Get("ETag"), rb.Header.Get("ETag"))
			}
			// A replica answers 304 to the other's ETag.
			b.get(t, path, "Accept-Encoding: "+enc, "If-None-Match: "+ra.Header.Get("ETag")).wantStatus(t, http.StatusNotModified)
		}
	}
}
