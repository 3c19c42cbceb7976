package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/api"
)

const (
	goodTick = `{"ts":"2026-01-02T15:04:05.123456Z","symbol":"AAPL","price":187.5,"size":100,"side":"B","exchange":"XNAS"}`
	// badTick has a side out of the enum and a negative size.
	badTick = `{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","price":187.5,"size":-1,"side":"X"}`
)

func TestValidateOne(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{MaxBody: 4096})
	post := func(path, body string, headers ...string) *response {
		return ts.do(t, http.MethodPost, path, []byte(body), append([]string{"Content-Type: application/json"}, headers...)...)
	}
	t.Run("Valid", func(t *testing.T) {
		var res api.Result
		r := post("/schema/ticks_v1/compat", goodTick).wantStatus(t, http.StatusOK)
		r.decode(t, &res)
		if !res.Valid || res.Errors == nil || len(res.Errors) != 0 {
			t.Errorf("result %+v, want valid with an empty error list", res)
		}
		if !strings.Contains(string(r.body), `"errors":[]`) || strings.Contains(string(r.body), `"line"`) {
			t.Errorf("body %s", r.body)
		}
		if r.Header.Get("X-Schema-Version") != "1.1.1" {
			t.Errorf("X-Schema-Version %q", r.Header.Get("X-Schema-Version"))
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		var res api.Result
		post("/schema/ticks_v1/compat", badTick).wantStatus(t, http.StatusOK).decode(t, &res)
		if res.Valid || len(res.Errors) != 2 {
			t.Fatalf("result %+v, want two errors", res)
		}
		got := map[string]string{}
		for _, e := range res.Errors {
			got[e.Path] = e.Keyword
			if e.Message == "" {
				t.Errorf("error %+v without a message", e)
			}
		}
		if got["/side"] != "enum" || got["/size"] != "minimum" {
			t.Errorf("errors %+v", res.Errors)
		}
	})
	t.Run("OlderVersion", func(t *testing.T) {
		// 1.0.0 has no exchange and no other property may appear.
		var res api.Result
		post("/schema/ticks_v1/compat?version=1.0.0", goodTick).wantStatus(t, http.StatusOK).decode(t, &res)
		if res.Valid || len(res.Errors) != 1 || res.Errors[0].Keyword != "additionalProperties" {
			t.Errorf("result %+v, want additionalProperties", res)
		}
		post("/schema/ticks_v1/compat?version=latest", goodTick).wantStatus(t, http.StatusOK)
		post("/schema/ticks_v1/compat?version=9.0.0", goodTick).wantError(t, http.StatusNotFound, "not_found")
		post("/schema/ticks_v1/compat?version=x", goodTick).wantError(t, http.StatusBadRequest, "bad_request")
	})
	t.Run("CrossSchemaRef", func(t *testing.T) {
		// quotes_v1 takes its symbol from instruments_v1.
		quote := `{"ts":"2026-01-02T15:04:05Z","symbol":"%s","bid":1,"ask":2,"bid_size":1,"ask_size":1}`
		var res api.Result
		post("/schema/quotes_v1/compat", fmt.Sprintf(quote, "AAPL")).wantStatus(t, http.StatusOK).decode(t, &res)
		if !res.Valid {
			t.Errorf("valid quote: %+v", res)
		}
		post("/schema/quotes_v1/compat", fmt.Sprintf(quote, "")).wantStatus(t, http.StatusOK).decode(t, &res)
		if res.Valid || res.Errors[0].Path != "/symbol" {
			t.Errorf("quote with an empty symbol: %+v", res)
		}
	})
	t.Run("Errors", func(t *testing.T) {
		post("/schema/ticks_v1/compat", `{"ts":`).wantError(t, http.StatusBadRequest, "bad_request")
		post("/schema/ticks_v1/compat", goodTick, "Content-Type: text/csv").wantError(t, http.StatusUnsupportedMediaType, "unsupported_media_type")
		post("/schema/ticks_v1/compat", goodTick, "Content-Type: application/x-www-form-urlencoded").wantError(t, http.StatusUnsupportedMediaType, "unsupported_media_type")
		big := `{"symbol":"` + strings.Repeat("A", 5000) + `"}`
		post("/schema/ticks_v1/compat", big).wantError(t, http.StatusRequestEntityTooLarge, "too_large")
		post("/schema/nope_v1/compat", goodTick).wantError(t, http.StatusNotFound, "not_found")
		post("/schema/No/compat", goodTick).wantError(t, http.StatusBadRequest, "bad_request")
	})
	t.Run("Chunked", func(t *testing.T) {
		// No Content-Length: the limit applies while reading.
		big := `{"symbol":"` + strings.Repeat("A", 5000) + `"}`
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, ts.url+"/schema/ticks_v1/compat", io.MultiReader(strings.NewReader(big)))
		req.Header.Set("Content-Type", "application/json")
		resp, err := ts.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("chunked body over the limit: %d", resp.StatusCode)
		}
	})
}

func TestValidateNDJSON(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{MaxBody: 512, MaxBatch: 64 << 10})
	long := `{"symbol":"` + strings.Repeat("A", 600) + `"}`
	batch := strings.Join([]string{
		goodTick,        // 1 valid
		badTick,         // 2 invalid
		`{"ts": nope}`,  // 3 unparseable
		"",              // 4 blank: no result
		goodTick + "\r", // 5 valid, CRLF
		long,            // 6 over the line limit
		`[1,2]`,         // 7 not an object
		"   ",           // 8 blank
		goodTick,        // 9 valid, no newline at the end
	}, "\n")
	r := ts.do(t, http.MethodPost, "/schema/ticks_v1/compat", []byte(batch), "Content-Type: application/x-ndjson").wantStatus(t, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != typeNDJSON {
		t.Errorf("Content-Type %q", ct)
	}
	results := decodeResults(t, r.body)
	want := []struct {
		line  int
		valid bool
		kw    string
	}{{1, true, ""}, {2, false, "enum"}, {3, false, "parse"}, {5, true, ""}, {6, false, "parse"}, {7, false, "type"}, {9, true, ""}}
	if len(results) != len(want) {
		t.Fatalf("%d results, want %d:\n%s", len(results), len(want), r.body)
	}
	for i, w := range want {
		got := results[i]
		if got.Line != w.line || got.Valid != w.valid || got.Errors == nil {
			t.Errorf("result %d: %+v, want line %d valid %v", i, got, w.line, w.valid)
		}
		if w.kw != "" && !hasKeyword(got, w.kw) {
			t.Errorf("line %d: errors %+v, want keyword %s", w.line, got.Errors, w.kw)
		}
	}
	metrics := string(ts.get(t, "/metrics").body)
	for _, m := range []string{"schemareg_validation_rows_total 7", "schemareg_validation_rows_rejected_total 4"} {
		if !strings.Contains(metrics, m) {
			t.Errorf("metrics lack %q", m)
		}
	}

	t.Run("OverMaxBatch", func(t *testing.T) {
		var b strings.Builder
		for b.Len() <= 64<<10 {
			b.WriteString(goodTick + "\n")
		}
		ts.do(t, http.MethodPost, "/schema/ticks_v1/compat", []byte(b.String()), "Content-Type: application/x-ndjson").
			wantError(t, http.StatusRequestEntityTooLarge, "too_large")
		// Streamed without a length: checked up to the limit, then an error line.
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, ts.url+"/schema/ticks_v1/compat", io.MultiReader(strings.NewReader(b.String())))
		req.Header.Set("Content-Type", "application/x-ndjson")
		resp, err := ts.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		lines := strings.Split(strings.TrimSpace(string(body)), "\n")
		last := lines[len(lines)-1]
		if resp.StatusCode != http.StatusOK || !strings.Contains(last, `"too_large"`) || len(lines) < 100 {
			t.Errorf("status %d, %d lines, last %s", resp.StatusCode, len(lines), last)
		}
	})
	t.Run("Streamed", func(t *testing.T) {
		// A result arrives before the client has sent the whole batch.
		pr, pw := io.Pipe()
		defer pw.Close()
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, ts.url+"/schema/ticks_v1/compat", pr)
		req.Header.Set("Content-Type", "application/x-ndjson")
		go pw.Write([]byte(goodTick + "\n"))
		// A connection of its own: the batch cut short above closed its
		// connection after a 200 that could not say so.
		client := &http.Client{Transport: &http.Transport{}}
		defer client.CloseIdleConnections()
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		if !sc.Scan() {
			t.Fatalf("no first result: %v", sc.Err())
		}
		var first api.Result
		if err := json.Unmarshal(sc.Bytes(), &first); err != nil || first.Line != 1 || !first.Valid {
			t.Fatalf("first result %s (%v)", sc.Bytes(), err)
		}
		pw.Write([]byte(badTick + "\n"))
		pw.Close()
		if !sc.Scan() {
			t.Fatalf("no second result: %v", sc.Err())
		}
		var second api.Result
		if err := json.Unmarshal(sc.Bytes(), &second); err != nil || second.Line != 2 || second.Valid {
			t.Fatalf("second result %s (%v)", sc.Bytes(), err)
		}
	})
}

func decodeResults(t *testing.T, body []byte) []api.Result {
	t.Helper()
	var out []api.Result
	dec := json.NewDecoder(bytes.NewReader(body))
	for dec.More() {
		var r api.Result
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("result line: %v in %s", err, body)
		}
		out = append(out, r)
	}
	return out
}

func hasKeyword(r api.Result, kw string) bool {
	for _, e := range r.Errors {
		if e.Keyword == kw {
			return true
		}
	}
	return false
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\r", "\x00\x1f", "héllo ☃", "bad \xff utf8", "<html>&"} {
		got := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Errorf("%q: %s is not JSON: %v", s, got, err)
			continue
		}
		want := strings.ToValidUTF8(s, "\uFFFD")
		if back != want {
			t.Errorf("%q: round trip gives %q", s, back)
		}
	}
}

// TestValidateNDJSONKeepsOrder: a batch of many runs, checked on several
// cores at once, is answered line by line in input order, every verdict
// the one of its own line.
func TestValidateNDJSONKeepsOrder(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	const n = 5000
	var b strings.Builder
	for i := 1; i <= n; i++ {
		switch {
		case i%13 == 0:
			b.WriteString("\n") // blank: counted, not answered
		case i%7 == 0:
			b.WriteString(badTick + "\n")
		default:
			b.WriteString(goodTick + "\n")
		}
	}
	r := ts.do(t, http.MethodPost, "/schema/ticks_v1/compat", []byte(b.String()), "Content-Type: application/x-ndjson").wantStatus(t, http.StatusOK)
	results := decodeResults(t, r.body)
	i := 0
	for line := 1; line <= n; line++ {
		if line%13 == 0 {
			continue
		}
		if i >= len(results) {
			t.Fatalf("%d results, want one for line %d and after", len(results), line)
		}
		if got := results[i]; got.Line != line || got.Valid != (line%7 != 0) {
			t.Fatalf("result %d: line %d valid %v, want line %d valid %v", i, got.Line, got.Valid, line, line%7 != 0)
		}
		i++
	}
	if i != len(results) {
		t.Errorf("%d results, want %d", len(results), i)
	}
}
