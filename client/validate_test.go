package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/schemareg/schemareg/api"
)

// validHandler answers POST /schema/{id}/compat like the server: a
// document or line holding "bad" is invalid. A batch is answered line by
// line as it comes; end, when set, is closed once the batch's body ends.
func validHandler(end chan<- struct{}) http.HandlerFunc {
	result := func(n int, line []byte) []byte {
		res := api.Result{Line: n, Valid: true, Errors: []api.DataError{}}
		if bytes.Contains(line, []byte("bad")) {
			res.Valid, res.Errors = false, []api.DataError{{Path: "/side", Keyword: "enum", Message: "value must be one of 'B', 'S'"}}
		}
		out, _ := json.Marshal(res)
		return append(out, '\n')
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/schema/ticks_v1/compat" {
			writeError(w, http.StatusNotFound, "not_found", "no schema")
			return
		}
		version := r.URL.Query().Get("version")
		if version == "" {
			version = "1.1.0"
		}
		w.Header().Set("X-Schema-Version", version)
		if r.Header.Get("Content-Type") != typeNDJSON {
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("Content-Type", typeJSON)
			w.Write(result(0, body))
			return
		}
		rc := http.NewResponseController(w)
		rc.EnableFullDuplex()
		w.Header().Set("Content-Type", typeNDJSON)
		w.WriteHeader(http.StatusOK)
		rc.Flush()
		sc := bufio.NewScanner(r.Body)
		for n := 1; sc.Scan(); n++ {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			if _, err := w.Write(result(n, sc.Bytes())); err != nil {
				break
			}
			rc.Flush()
		}
		if end != nil {
			close(end)
		}
	}
}

func TestValidate(t *testing.T) {
	s := newCounted(t, validHandler(nil))
	c, _ := newTestClient(t, s.URL)
	ctx := t.Context()
	docs := []any{
		map[string]any{"side": "B"},
		[]byte(`{"side":"bad"}`),
		json.RawMessage(`{"side":"bad"}`),
	}
	for i, doc := range docs {
		res, err := c.Validate(ctx, "ticks_v1", doc)
		if err != nil {
			t.Fatal(err)
		}
		if res.Valid != (i == 0) || res.Version != "1.1.0" || res.Line != 0 {
			t.Errorf("doc %d: %+v", i, res)
		}
		if !res.Valid && (len(res.Errors) != 1 || res.Errors[0].Keyword != "enum" || res.Errors[0].Path != "/side") {
			t.Errorf("doc %d: errors %+v", i, res.Errors)
		}
	}
	res, err := c.Validate(ctx, "ticks_v1", map[string]any{}, AtVersion("1.0.0"))
	if err != nil || res.Version != "1.0.0" {
		t.Errorf("AtVersion: %+v, %v", res, err)
	}
	if _, err := c.Validate(ctx, "nope", map[string]any{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown schema: %v", err)
	}
	if _, err := c.Validate(ctx, "ticks_v1", func() {}); err == nil || !strings.Contains(err.Error(), "encode document") {
		t.Errorf("a value JSON cannot encode: %v", err)
	}
	if _, err := c.Validate(ctx, "ticks_v1", nil, AtVersion("")); err == nil {
		t.Error("an empty version: no error")
	}
	for _, err := range c.ValidateBatch(ctx, "ticks_v1", nil) {
		if err == nil || !strings.Contains(err.Error(), "no batch") {
			t.Errorf("a nil batch: %v", err)
		}
	}
}

func TestValidateBatch(t *testing.T) {
	s := newCounted(t, validHandler(nil))
	c, _ := newTestClient(t, s.URL)
	batch := "{\"side\":\"B\"}\n\n{\"side\":\"bad\"}\n{\"side\":\"S\"}"
	var got []string
	for res, err := range c.ValidateBatch(t.Context(), "ticks_v1", strings.NewReader(batch), AtVersion("1.0.0")) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %v %d %s", res.Line, res.Valid, len(res.Errors), res.Version))
	}
	want := "1 true 0 1.0.0|3 false 1 1.0.0|4 true 0 1.0.0"
	if strings.Join(got, "|") != want {
		t.Errorf("results %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestValidateBatchStreams(t *testing.T) {
	// Each result arrives before the next line is sent: the batch never
	// ends before the client has read the result of its first line.
	s := newCounted(t, validHandler(nil))
	c, _ := newTestClient(t, s.URL)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second) // a guard against a deadlock only
	defer cancel()
	pr, pw := io.Pipe()
	defer pw.Close()
	lines := []string{`{"side":"B"}`, `{"side":"bad"}`, `{"side":"S"}`}
	go pw.Write([]byte(lines[0] + "\n"))
	n := 0
	for res, err := range c.ValidateBatch(ctx, "ticks_v1", pr) {
		if err != nil {
			t.Fatalf("after %d results: %v", n, err)
		}
		n++
		if res.Line != n || res.Valid != (n != 2) {
			t.Errorf("result %d: %+v", n, res)
		}
		if n < len(lines) {
			go pw.Write([]byte(lines[n] + "\n"))
		} else {
			pw.Close()
		}
	}
	if n != len(lines) {
		t.Errorf("%d results, want %d", n, len(lines))
	}
}

func TestValidateBatchStopped(t *testing.T) {
	t.Run("Break", func(t *testing.T) {
		// Stopping the iteration ends the request: the server sees the body end.
		end := make(chan struct{})
		s := newCounted(t, validHandler(end))
		c, _ := newTestClient(t, s.URL)
		pr, pw := io.Pipe()
		defer pw.Close()
		go func() {
			for {
				if _, err := pw.Write([]byte("{}\n")); err != nil {
					return
				}
			}
		}()
		for _, err := range c.ValidateBatch(t.Context(), "ticks_v1", pr) {
			if err != nil {
				t.Fatal(err)
			}
			break
		}
		<-end
	})
	t.Run("Canceled", func(t *testing.T) {
		s := newCounted(t, validHandler(nil))
		c, _ := newTestClient(t, s.URL)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		pr, pw := io.Pipe()
		defer pw.Close()
		go pw.Write([]byte("{}\n"))
		var errs []error
		for _, err := range c.ValidateBatch(ctx, "ticks_v1", pr) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			cancel()
		}
		if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
			t.Errorf("errors %v, want one canceled", errs)
		}
	})
	t.Run("ErrorLine", func(t *testing.T) {
		s := newCounted(t, func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", typeNDJSON)
			w.Write([]byte(`{"line":1,"valid":true,"errors":[]}` + "\n"))
			w.Write([]byte(`{"error":{"code":"too_large","message":"batch over 40 bytes; the lines before this one were checked"}}` + "\n"))
		})
		c, _ := newTestClient(t, s.URL)
		var results int
		var errs []error
		for res, err := range c.ValidateBatch(t.Context(), "ticks_v1", strings.NewReader("{}\n{}\n")) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			results += res.Line
		}
		var ae *APIError
		if results != 1 || len(errs) != 1 || !errors.As(errs[0], &ae) || ae.Status != http.StatusRequestEntityTooLarge || ae.Code != "too_large" {
			t.Errorf("results %d, errors %v", results, errs)
		}
	})
	t.Run("Truncated", func(t *testing.T) {
		s := newCounted(t, func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", typeNDJSON)
			w.Write([]byte(`{"line":1,"valid":tr`))
		})
		c, _ := newTestClient(t, s.URL)
		var errs []error
		for _, err := range c.ValidateBatch(t.Context(), "ticks_v1", strings.NewReader("{}\n")) {
			errs = append(errs, err)
		}
		if len(errs) != 1 || !errors.Is(errs[0], io.ErrUnexpectedEOF) {
			t.Errorf("errors %v, want one unexpected EOF", errs)
		}
	})
}
