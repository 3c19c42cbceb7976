package server

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"testing"
)

// TestCORSPreflightPost: a preflight of the data check allows POST and its
// JSON content type, and the check's answer carries the CORS header; the
// write route stays closed to other origins.
func TestCORSPreflightPost(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	r := ts.do(t, http.MethodOptions, "/schema/ticks_v1/compat", nil, "Origin: https://example.com",
		"Access-Control-Request-Method: POST", "Access-Control-Request-Headers: content-type").wantStatus(t, http.StatusNoContent)
	if got := r.Header.Get("Access-Control-Allow-Methods"); !strings.Contains(got, "POST") {
		t.Errorf("preflight of /compat allows %q, want POST", got)
	}
	if got := r.Header.Get("Access-Control-Allow-Headers"); !strings.Contains(got, "Content-Type") {
		t.Errorf("preflight of /compat allows headers %q, want Content-Type", got)
	}
	r = ts.do(t, http.MethodPost, "/schema/ticks_v1/compat", []byte(goodTick), "Origin: https://example.com", "Content-Type: application/json").wantStatus(t, http.StatusOK)
	if r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("the check's answer lacks Access-Control-Allow-Origin: %v", r.Header)
	}

	r = ts.do(t, http.MethodOptions, "/schema/ticks_v1", nil, "Origin: https://example.com", "Access-Control-Request-Method: POST").wantStatus(t, http.StatusNoContent)
	if got := r.Header.Get("Access-Control-Allow-Methods"); strings.Contains(got, "POST") {
		t.Errorf("preflight of the write route allows %q: it must not allow POST", got)
	}
	r = ts.do(t, http.MethodPost, "/schema/ticks_v1", []byte(`{}`), "Origin: https://example.com", "Content-Type: application/json")
	if r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("the write route answers other origins: %v", r.Header)
	}
}

// TestGzipBody415: a compressed body is refused as a media type the server
// does not take, not as a bad request.
func TestGzipBody415(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(goodTick))
	zw.Close()
	for _, path := range []string{"/schema/ticks_v1/compat", "/schema/ticks_v1"} {
		r := ts.do(t, http.MethodPost, path, buf.Bytes(), "Content-Type: application/json", "Content-Encoding: gzip")
		r.wantError(t, http.StatusUnsupportedMediaType, "unsupported_media_type")
		if !bytes.Contains(r.body, []byte("uncompressed")) {
			t.Errorf("POST %s: %s: want a hint to send it uncompressed", path, r.body)
		}
	}
	ts.do(t, http.MethodPost, "/schema/ticks_v1/compat", []byte(goodTick), "Content-Type: application/json", "Content-Encoding: identity").wantStatus(t, http.StatusOK)
}

// TestAllowOfLiteralRoutes: a method a literal path lacks answers 405 with
// that path's Allow, not the Allow of the pattern it also matches.
func TestAllowOfLiteralRoutes(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	tests := []struct{ method, path, allow string }{
		{http.MethodGet, "/schema/ticks_v1/compat", "POST, OPTIONS"},
		{http.MethodPut, "/schema/ticks_v1/compat", "POST, OPTIONS"},
		{http.MethodDelete, "/schema/ticks_v1/versions", "GET, HEAD, OPTIONS"},
		{http.MethodPost, "/compat/ticks_v1/1.0.0/1.0.0", "GET, HEAD, OPTIONS"},
		{http.MethodPut, "/schema/ticks_v1/1.0.0", "GET, HEAD, OPTIONS"},
	}
	for _, tt := range tests {
		r := ts.do(t, tt.method, tt.path, nil)
		r.wantError(t, http.StatusMethodNotAllowed, "method_not_allowed")
		if got := r.Header.Get("Allow"); got != tt.allow {
			t.Errorf("%s %s: Allow %q, want %q", tt.method, tt.path, got, tt.allow)
		}
	}
	ts.get(t, "/schema/ticks_v1/1.0.0").wantStatus(t, http.StatusOK)
}
