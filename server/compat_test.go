package server

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/schemareg/schemareg/api"
)

func TestCompat(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	get := func(path string) api.Compat {
		t.Helper()
		var c api.Compat
		r := ts.get(t, path).wantStatus(t, http.StatusOK)
		r.decode(t, &c)
		checkHeaders(t, r, typeJSON, r.Header.Get("ETag"), "public, max-age=60")
		return c
	}
	t.Run("Forward", func(t *testing.T) {
		c := get("/compat/ticks_v1/1.0.0/1.1.0")
		if c.ID != "ticks_v1" || c.From != "1.0.0" || c.To != "1.1.0" || !c.Compatible || c.Bump != "minor" || c.Mode != "BACKWARD" {
			t.Errorf("verdict %+v", c)
		}
		// The compiler judged the same pair when it published 1.1.0.
		if v := h.version("ticks_v1", "1.1.0"); len(c.Changes) != len(v.Changes) || c.Bump != v.RequiredBump {
			t.Errorf("%d changes, required %s; the bundle has %d, %s", len(c.Changes), c.Bump, len(v.Changes), v.RequiredBump)
		}
	})
	t.Run("Backward", func(t *testing.T) {
		c := get("/compat/ticks_v1/1.1.0/1.0.0")
		if c.Compatible || c.Bump != "major" || len(c.Changes) == 0 {
			t.Errorf("removing a property of a closed model: %+v", c)
		}
		if c := get("/compat/ticks_v1/1.1.0/1.0.0?mode=none"); !c.Compatible || c.Mode != "NONE" {
			t.Errorf("?mode=none: %+v", c)
		}
		if c := get("/compat/ticks_v1/latest/1.0.0"); c.From != "1.1.1" {
			t.Errorf("latest resolves to %s", c.From)
		}
	})
	t.Run("Same", func(t *testing.T) {
		if c := get("/compat/quotes_v1/1.1.0/1.1.0"); !c.Compatible || len(c.Changes) != 0 || c.Changes == nil {
			t.Errorf("a version against itself: %+v", c)
		}
	})
	t.Run("Errors", func(t *testing.T) {
		ts.get(t, "/compat/ticks_v1/1.0.0/1.1.0?mode=sideways").wantError(t, http.StatusBadRequest, "bad_request")
		ts.get(t, "/compat/ticks_v1/1.0.0/1.1.0?policy=x").wantError(t, http.StatusBadRequest, "bad_request")
		ts.get(t, "/compat/ticks_v1/1.0.0/7.0.0").wantError(t, http.StatusNotFound, "not_found")
		ts.get(t, "/compat/nope_v1/1.0.0/1.1.0").wantError(t, http.StatusNotFound, "not_found")
		ts.get(t, "/compat/ticks_v1/1.0/1.1.0").wantError(t, http.StatusBadRequest, "bad_request")
	})
}

func TestArrow(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	v := h.version("ticks_v1", "1.1.0")
	r := ts.get(t, "/schema/ticks_v1/1.1.0/arrow").wantStatus(t, http.StatusOK)
	checkHeaders(t, r, typeArrow, `"`+v.Arrow+`"`, cacheImmutable)
	rd, err := ipc.NewReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("read the IPC schema: %v", err)
	}
	defer rd.Release()
	fields := rd.Schema().Fields()
	if len(fields) != 6 || fields[0].Name != "ts" || fields[0].Type.String() != "timestamp[us, tz=UTC]" || fields[5].Name != "exchange" {
		t.Errorf("fields %v", fields)
	}
	if !bytes.Equal(r.body, h.bundle.Files["schemas/ticks_v1/1.1.0.arrow"]) {
		t.Error("IPC bytes differ from the bundle's")
	}
	if r := ts.get(t, "/schema/ticks_v1/latest/arrow").wantStatus(t, http.StatusOK); r.Header.Get("Cache-Control") != "public, max-age=60" {
		t.Errorf("latest Arrow Cache-Control %q", r.Header.Get("Cache-Control"))
	}

	var js api.ArrowSchema
	r = ts.get(t, "/schema/ticks_v1/1.0.0/arrow?format=json").wantStatus(t, http.StatusOK)
	r.decode(t, &js)
	if js.ID != "ticks_v1" || js.Version != "1.0.0" || len(js.Fields) != 5 || js.Fields[4] != (api.ArrowField{Name: "side", Type: "utf8"}) {
		t.Errorf("arrow json %+v", js)
	}
	if !bytes.Contains(js.Block, []byte(`"fields"`)) {
		t.Errorf("block %s", js.Block)
	}
	ts.get(t, "/schema/ticks_v1/1.0.0/arrow?format=xml").wantError(t, http.StatusBadRequest, "bad_request")
	ts.get(t, "/schema/ticks_v1/3.0.0/arrow").wantError(t, http.StatusNotFound, "not_found")
}
