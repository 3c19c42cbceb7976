package server

import (
	"net/http"
	"testing"

	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/expectations"
)

func TestExpectations(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	d, err := document.ParseDocument("ticks_v1.json", h.file("ticks_v1", "1.1.1"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := expectations.FromDocument(d)
	if err != nil {
		t.Fatal(err)
	}
	want, err := expectations.Encode(s)
	if err != nil {
		t.Fatal(err)
	}

	r := ts.get(t, "/schema/ticks_v1/1.1.1/expectations").wantStatus(t, http.StatusOK)
	if string(r.body) != string(want) {
		t.Errorf("suite\n%s\nwant\n%s", r.body, want)
	}
	etag := r.Header.Get("ETag")
	if r.Header.Get("Content-Type") != typeJSON || r.Header.Get("Cache-Control") != cacheImmutable || etag == "" {
		t.Errorf("headers %v", r.Header)
	}
	ts.get(t, "/schema/ticks_v1/1.1.1/expectations", "If-None-Match: "+etag).wantStatus(t, http.StatusNotModified)
	if again := ts.get(t, "/schema/ticks_v1/1.1.1/expectations"); again.Header.Get("ETag") != etag || string(again.body) != string(r.body) {
		t.Error("a second answer differs")
	}

	l := ts.get(t, "/schema/ticks_v1/latest/expectations").wantStatus(t, http.StatusOK)
	if l.Header.Get("Cache-Control") == cacheImmutable {
		t.Error("latest answered as immutable")
	}
	if l.Header.Get("ETag") != etag {
		t.Errorf("latest is 1.1.1: ETag %s, want %s", l.Header.Get("ETag"), etag)
	}
	if ts.get(t, "/schema/ticks_v1/1.0.0/expectations").Header.Get("ETag") == etag {
		t.Error("two versions with one ETag")
	}

	ts.get(t, "/schema/ticks_v1/9.9.9/expectations").wantError(t, http.StatusNotFound, "not_found")
	ts.get(t, "/schema/nope_v1/1.0.0/expectations").wantError(t, http.StatusNotFound, "not_found")
	ts.get(t, "/schema/ticks_v1/v1/expectations").wantError(t, http.StatusBadRequest, "bad_request")
	ts.get(t, "/schema/Bad%20Id/1.0.0/expectations").wantError(t, http.StatusBadRequest, "bad_request")
	ts.do(t, http.MethodPost, "/schema/ticks_v1/1.1.1/expectations", nil).wantError(t, http.StatusMethodNotAllowed, "method_not_allowed")
}
