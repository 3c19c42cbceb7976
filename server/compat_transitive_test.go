package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/internal/gittest"
	"github.com/schemareg/schemareg/server/internal/testrepo"
)

// TestCompatTransitiveJudgesVersionsBetween: under a transitive mode,
// GET /compat judges to against every version between from and to, as the
// compiler judges a version against its major line; every answer names
// its generation.
func TestCompatTransitiveJudgesVersionsBetween(t *testing.T) {
	repo := gittest.New(t)
	for _, v := range [][2]string{{"1.0.0", `"a"`}, {"1.1.0", `"a", "b"`}, {"1.2.0", `"a", "c"`}} {
		repo.Write("schemas/ev_v1.json", `{"id": "ev_v1", "version": "`+v[0]+`", "compatibility": "NONE", "enum": [`+v[1]+`]}`+"\n")
		repo.Commit(v[0])
	}
	res, err := compiler.Compile(t.Context(), compiler.CompileOptions{Repo: repo.Dir})
	if err != nil {
		t.Fatal(err)
	}
	cli := etcdtest.Start(t).Client(t)
	if _, err := testrepo.Publish(t.Context(), cli, res.Bundle); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, New(cli, testLogger(t), Options{}), true)
	get := func(path string) api.Compat {
		t.Helper()
		var c api.Compat
		r := ts.get(t, path).wantStatus(t, http.StatusOK)
		if r.Header.Get(HeaderGeneration) == "" {
			t.Errorf("%s: no %s header", path, HeaderGeneration)
		}
		r.decode(t, &c)
		return c
	}
	// 1.0.0 → 1.2.0 only adds "c", but 1.2.0 drops the "b" of 1.1.0.
	if c := get("/compat/ev_v1/1.0.0/1.2.0?mode=BACKWARD"); !c.Compatible || c.Bump != "minor" {
		t.Errorf("BACKWARD: %+v", c)
	}
	c := get("/compat/ev_v1/1.0.0/1.2.0?mode=BACKWARD_TRANSITIVE")
	if c.Compatible || c.Bump != "major" {
		t.Errorf("BACKWARD_TRANSITIVE: compatible %v bump %v", c.Compatible, c.Bump)
	}
	found := false
	for _, ch := range c.Changes {
		found = found || ch.Breaking && strings.HasPrefix(ch.Message, "against 1.1.0: ")
	}
	if !found {
		t.Errorf("no breaking change against 1.1.0 in %+v", c.Changes)
	}
	// Versions of another major line are not judged.
	if c := get("/compat/ev_v1/1.1.0/1.2.0?mode=BACKWARD_TRANSITIVE"); c.Compatible {
		t.Errorf("1.1.0 → 1.2.0 drops b: %+v", c)
	}
}

// TestArrowNamesGeneration: both forms of /arrow name their generation.
func TestArrowNamesGeneration(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	for _, path := range []string{"/schema/ticks_v1/1.1.0/arrow", "/schema/ticks_v1/1.1.0/arrow?format=json", "/compat/ticks_v1/1.0.0/1.1.0"} {
		r := ts.get(t, path).wantStatus(t, http.StatusOK)
		if r.Header.Get(HeaderGeneration) == "" {
			t.Errorf("%s: no %s header", path, HeaderGeneration)
		}
	}
}

// TestCompatTransitiveLimit: a transitive GET /compat over more than
// MaxCompatVersions versions is refused with a 400, not worked through.
func TestCompatTransitiveLimit(t *testing.T) {
	repo := gittest.New(t)
	n := MaxCompatVersions + 3
	for i := 0; i < n; i++ {
		repo.Write("schemas/ev_v1.json", fmt.Sprintf(`{"id": "ev_v1", "version": "1.%d.0", "compatibility": "NONE", "enum": [%d]}`+"\n", i, i))
		repo.Commit(fmt.Sprint(i))
	}
	res, err := compiler.Compile(t.Context(), compiler.CompileOptions{Repo: repo.Dir})
	if err != nil {
		t.Fatal(err)
	}
	cli := etcdtest.Start(t).Client(t)
	if _, err := testrepo.Publish(t.Context(), cli, res.Bundle); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, New(cli, testLogger(t), Options{}), true)
	last := fmt.Sprintf("1.%d.0", n-1)
	ts.get(t, "/compat/ev_v1/1.0.0/"+last+"?mode=BACKWARD_TRANSITIVE").wantError(t, http.StatusBadRequest, "bad_request")
	if r := ts.get(t, "/compat/ev_v1/1.1.0/"+last+"?mode=BACKWARD_TRANSITIVE").wantStatus(t, http.StatusOK); r.Header.Get(HeaderGeneration) == "" {
		t.Error("no generation header")
	}
}
