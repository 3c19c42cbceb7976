package server

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/internal/gittest"
	"github.com/schemareg/schemareg/server/internal/testrepo"
)

func pinsInstruments(version string, maxLength int) string {
	return `{"id": "instruments_v1", "version": "` + version + `", "$ref": "#/definitions/symbol", "definitions": {"symbol": {"type": "string", "maxLength": ` + strconv.Itoa(maxLength) + `}}}` + "\n"
}

const pinsQuotes = `{"id": "quotes_v1", "version": "1.0.0", "type": "object",
 "properties": {"symbol": {"$ref": "instruments_v1#/definitions/symbol"}, "price": {"type": "number"}}}
`

// TestPublishedVersionNeverChangesMeaning publishes a breaking version of
// a dependency under a dependent pinned to the version before, and checks
// that every served form of the dependent's version and every validation
// result against it stay byte for byte what they were.
func TestPublishedVersionNeverChangesMeaning(t *testing.T) {
	repo := gittest.New(t)
	repo.Write("schemas/instruments_v1.json", pinsInstruments("1.0.0", 32))
	repo.Write("schemas/quotes_v1.json", pinsQuotes)
	repo.Commit("quotes and instruments")
	cli := etcdtest.Start(t).Client(t)
	publish := func() {
		t.Helper()
		res, err := compiler.Compile(t.Context(), compiler.CompileOptions{Repo: repo.Dir})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := testrepo.Publish(t.Context(), cli, res.Bundle); err != nil {
			t.Fatal(err)
		}
	}
	publish()
	ts := startServer(t, New(cli, testLogger(t), Options{}), true)

	twelve := []byte(`{"symbol": "ABCDEFGHIJKL", "price": 1.5}`)
	batch := []byte("{\"symbol\": \"ABCDEFGHIJKL\"}\n{\"symbol\": \"ABC\"}\n{\"symbol\": 7}\n")
	type served struct {
		Status int
		ETag   string
		Body   string
	}
	snapshot := func() map[string]served {
		t.Helper()
		out := map[string]served{}
		for _, path := range []string{
			"/schema/quotes_v1/1.0.0",
			"/schema/quotes_v1/1.0.0?resolve=bundled",
			"/schema/quotes_v1/1.0.0/arrow",
			"/schema/quotes_v1/1.0.0/arrow?format=json",
			"/schema/quotes_v1/1.0.0/expectations",
			"/compat/quotes_v1/1.0.0/1.0.0",
		} {
			r := ts.get(t, path)
			out["GET "+path] = served{r.StatusCode, r.Header.Get("ETag"), string(r.body)}
		}
		r := ts.do(t, http.MethodPost, "/schema/quotes_v1/compat?version=1.0.0", twelve, "Content-Type: application/json")
		out["POST one"] = served{r.StatusCode, "", string(r.body)}
		r = ts.do(t, http.MethodPost, "/schema/quotes_v1/compat?version=1.0.0", batch, "Content-Type: application/x-ndjson")
		out["POST batch"] = served{r.StatusCode, "", string(r.body)}
		return out
	}
	before := snapshot()
	for k, v := range before {
		if v.Status != http.StatusOK {
			t.Fatalf("%s: status %d: %s", k, v.Status, v.Body)
		}
	}
	if !strings.Contains(before["POST one"].Body, `"valid":true`) {
		t.Fatalf("a 12-character symbol under maxLength 32: %s", before["POST one"].Body)
	}
	var versions struct {
		Versions []struct {
			Deps map[string]string `json:"deps"`
		} `json:"versions"`
	}
	ts.get(t, "/schema/quotes_v1/versions").wantStatus(t, http.StatusOK).decode(t, &versions)
	if diff := cmp.Diff(map[string]string{"instruments_v1": "1.0.0"}, versions.Versions[0].Deps); diff != "" {
		t.Errorf("/versions deps (-want +got):\n%s", diff)
	}

	repo.Write("schemas/instruments_v1.json", pinsInstruments("2.0.0", 8))
	repo.Commit("instruments 2.0.0: symbols of at most 8")
	publish()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var doc struct {
			Version string `json:"version"`
		}
		ts.get(t, "/schema/instruments_v1").decode(t, &doc)
		if doc.Version == "2.0.0" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the server never saw instruments_v1 2.0.0")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if diff := cmp.Diff(before, snapshot()); diff != "" {
		t.Errorf("quotes_v1 1.0.0 changed when instruments_v1 2.0.0 was published (-before +after):\n%s", diff)
	}
	// The latest instruments does reject the symbol: the pin is what kept it.
	r := ts.do(t, http.MethodPost, "/schema/instruments_v1/compat", []byte(`"ABCDEFGHIJKL"`), "Content-Type: application/json")
	r.wantStatus(t, http.StatusOK)
	if !strings.Contains(string(r.body), `"valid":false`) {
		t.Errorf("instruments_v1 2.0.0 accepted a 12-character symbol: %s", r.body)
	}
}

// TestResolveUnknownForm: an unknown served form is a 400 that says which exist.
func TestResolveUnknownForm(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	ts.get(t, "/schema/ticks_v1/1.1.0?resolve=inline").wantError(t, http.StatusBadRequest, "bad_request")
}

// TestRefByIDURLValidates: a schema that refers to another by its $id URL
// validates data, as one that refers to it by registry id does.
func TestRefByIDURLValidates(t *testing.T) {
	repo := gittest.New(t)
	repo.Write("schemas/money_v1.json", `{"id": "money_v1", "version": "1.0.0", "$id": "https://example.com/money.json", "definitions": {"amount": {"type": "number", "minimum": 0}}}`+"\n")
	repo.Write("schemas/orders_v1.json", `{"id": "orders_v1", "version": "1.0.0", "type": "object", "properties": {"total": {"$ref": "https://example.com/money.json#/definitions/amount"}}}`+"\n")
	repo.Commit("money by $id")
	res, err := compiler.Compile(t.Context(), compiler.CompileOptions{Repo: repo.Dir})
	if err != nil {
		t.Fatal(err)
	}
	cli := etcdtest.Start(t).Client(t)
	if _, err := testrepo.Publish(t.Context(), cli, res.Bundle); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, New(cli, testLogger(t), Options{}), true)
	for body, valid := range map[string]bool{`{"total": 3}`: true, `{"total": -3}`: false} {
		r := ts.do(t, http.MethodPost, "/schema/orders_v1/compat", []byte(body), "Content-Type: application/json").wantStatus(t, http.StatusOK)
		if got := strings.Contains(string(r.body), `"valid":true`); got != valid {
			t.Errorf("%s: %s", body, r.body)
		}
	}
	ts.get(t, "/schema/orders_v1/1.0.0?resolve=bundled").wantStatus(t, http.StatusOK)
}
