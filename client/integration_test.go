package client_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/google/go-cmp/cmp"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/client"
	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/internal/gittest"
	"github.com/schemareg/schemareg/server"
	"github.com/schemareg/schemareg/site"
	"github.com/schemareg/schemareg/syncer"
)

// ticksDoc is ticks_v1 at a version; with exchange, the optional
// "exchange" property is there.
func ticksDoc(version string, exchange bool) string {
	ex := ""
	if exchange {
		ex = `,
    "exchange": {"type": "string", "pattern": "^[A-Z0-9]{4}$", "description": "Market identifier code."}`
	}
	return fmt.Sprintf(`{
  "id": "ticks_v1",
  "version": %q,
  "title": "Level-1 ticks",
  "description": "One trade print per row.",
  "type": "object",
  "properties": {
    "ts": {"type": "string", "format": "date-time", "description": "Event time in UTC."},
    "symbol": {"type": "string", "minLength": 1, "maxLength": 32},
    "price": {"type": "number", "exclusiveMinimum": 0},
    "size": {"type": "integer", "minimum": 0},
    "side": {"type": "string", "enum": ["B", "S"]}%s
  },
  "required": ["ts", "symbol", "price", "size", "side"],
  "additionalProperties": false
}
`, version, ex)
}

const barsDoc = `{
  "id": "bars_1m_v1",
  "version": "1.0.0",
  "title": "One-minute bars",
  "type": "object",
  "properties": {"symbol": {"type": "string"}, "close": {"type": "number"}},
  "required": ["symbol", "close"]
}
`

// registry is the real thing: a Git repository compiled by the compiler,
// published into a real etcd by the syncer, served by the server, and
// the static site generated from the same bundle.
type registry struct {
	bundle *bundle.Bundle
	server *httptest.Server
	mirror *httptest.Server

	mu       sync.Mutex
	statuses []int // of the server's answers
}

func newRegistry(t *testing.T) *registry {
	t.Helper()
	etcd := etcdtest.Start(t) // skips under -short
	ctx := t.Context()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))

	repo := gittest.New(t)
	repo.Write("schemas/ticks_v1.json", ticksDoc("1.0.0", false))
	repo.Write("schemas/market/bars_1m_v1.json", barsDoc)
	repo.Commit("schemas: ticks_v1 and bars_1m_v1")
	repo.Write("schemas/ticks_v1.json", ticksDoc("1.1.0", true))
	repo.Commit("schemas: ticks_v1 1.1.0 adds the optional exchange")
	res, err := compiler.Compile(ctx, compiler.CompileOptions{Repo: repo.Dir, Ref: "refs/heads/main"})
	if err != nil {
		t.Fatal(err)
	}
	cli := etcd.Client(t)
	if _, err := syncer.New(cli, logger).Publish(ctx, res.Bundle); err != nil {
		t.Fatal(err)
	}

	r := &registry{bundle: res.Bundle}
	h := server.New(cli, logger, server.Options{}).Handler()
	r.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, req)
		r.mu.Lock()
		r.statuses = append(r.statuses, rec.status)
		r.mu.Unlock()
	}))
	t.Cleanup(r.server.Close)

	dir := filepath.Join(t.TempDir(), "site")
	if _, err := site.Generate(ctx, res.Bundle, dir, site.Options{BaseURL: "/"}); err != nil {
		t.Fatal(err)
	}
	r.mirror = httptest.NewServer(site.Handler(os.DirFS(dir)))
	t.Cleanup(r.mirror.Close)
	return r
}

// answers returns the statuses the server answered since the last call.
func (r *registry) answers() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.statuses
	r.statuses = nil
	return s
}

// file returns bytes of the bundle.
func (r *registry) file(t *testing.T, name string) []byte {
	t.Helper()
	data, ok := r.bundle.Files[name]
	if !ok {
		t.Fatalf("no %s in the bundle", name)
	}
	return data
}

// recorder records a handler's status; it flushes, for NDJSON batches.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func TestAgainstServer(t *testing.T) {
	reg := newRegistry(t)
	c, err := client.New(reg.server.URL)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()

	t.Run("GetSchema", func(t *testing.T) {
		s, err := c.GetSchema(ctx, "ticks_v1")
		if err != nil {
			t.Fatal(err)
		}
		want := reg.file(t, bundle.SchemaFile("ticks_v1", "1.1.0"))
		if s.ID != "ticks_v1" || s.Version != "1.1.0" || !bytes.Equal(s.Body, want) || s.Digest != bundle.Digest(want) {
			t.Errorf("GetSchema: %s %s %s, %d bytes", s.ID, s.Version, s.Digest, len(s.Body))
		}
		var doc struct {
			Properties map[string]any `json:"properties"`
		}
		if err := s.Decode(&doc); err != nil || doc.Properties["exchange"] == nil {
			t.Errorf("Decode: %v, %v", doc, err)
		}
	})
	t.Run("CacheAndETags", func(t *testing.T) {
		reg.answers()
		for range 2 {
			if _, err := c.GetSchema(ctx, "ticks_v1"); err != nil {
				t.Fatal(err)
			}
		}
		if got := reg.answers(); !slices.Equal(got, []int{http.StatusNotModified, http.StatusNotModified}) {
			t.Errorf("latest, read again: statuses %v, want two 304s", got)
		}
		for range 3 {
			s, err := c.GetVersion(ctx, "ticks_v1", "1.0.0")
			if err != nil || !bytes.Equal(s.Body, reg.file(t, bundle.SchemaFile("ticks_v1", "1.0.0"))) {
				t.Fatalf("GetVersion: %v", err)
			}
		}
		if got := reg.answers(); !slices.Equal(got, []int{http.StatusOK}) {
			t.Errorf("an immutable version read 3 times: statuses %v, want one 200", got)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		for _, v := range []string{"latest", "9.9.9"} {
			_, err := c.GetVersion(ctx, "nope_v1", v)
			var ae *client.APIError
			if !errors.Is(err, client.ErrNotFound) || !errors.As(err, &ae) || ae.Code != "not_found" {
				t.Errorf("nope_v1 %s: %v", v, err)
			}
		}
		if _, err := c.GetVersion(ctx, "ticks_v1", "9.9.9"); !errors.Is(err, client.ErrNotFound) {
			t.Errorf("ticks_v1 9.9.9: %v", err)
		}
		var ae *client.APIError
		if _, err := c.GetVersion(ctx, "Ticks", "1.0.0"); !errors.As(err, &ae) || ae.Status != 400 || ae.Code != "bad_request" {
			t.Errorf("a bad id: %v", err)
		}
	})
	t.Run("Lists", func(t *testing.T) {
		vs, err := c.Versions(ctx, "ticks_v1")
		if err != nil || len(vs) != 2 {
			t.Fatalf("Versions: %+v, %v", vs, err)
		}
		m, _ := reg.bundle.Manifest.Schema("ticks_v1")
		for i, v := range vs {
			if v.Version != m.Versions[i].Version || v.Digest != m.Versions[i].Digest || v.Commit != m.Versions[i].Commit || v.Time != m.Versions[i].Time {
				t.Errorf("version %d: %+v", i, v)
			}
		}
		if vs[1].Bump != "minor" {
			t.Errorf("bump of 1.1.0: %q", vs[1].Bump)
		}
		l, err := c.List(ctx)
		if err != nil || len(l) != 2 || l[0].ID != "bars_1m_v1" || l[1].ID != "ticks_v1" || l[1].Latest != "1.1.0" || l[1].Compatibility != "BACKWARD" {
			t.Errorf("List: %+v, %v", l, err)
		}
		if paged := listPages(t, c, 1); !slices.Equal(paged, l) {
			t.Errorf("List a page of one at a time: %+v, want %+v", paged, l)
		}
		if _, _, err := c.ListPage(ctx, "", api.MaxPage+1); err == nil {
			t.Error("ListPage took a limit over MaxPage")
		}
	})
	t.Run("Compat", func(t *testing.T) {
		v, err := c.Compat(ctx, "ticks_v1", "1.0.0", "latest")
		if err != nil {
			t.Fatal(err)
		}
		if !v.Compatible || v.To != "1.1.0" || v.Mode != "BACKWARD" || v.Bump != "minor" || len(v.Changes) == 0 || len(v.Breaking()) != 0 {
			t.Errorf("Compat: %+v", v)
		}
		back, err := c.Compat(ctx, "ticks_v1", "1.1.0", "1.0.0")
		if err != nil || back.Compatible || len(back.Breaking()) == 0 {
			t.Errorf("Compat backwards: %+v, %v", back, err)
		}
		// The same step judged in another mode and policy than the schema's.
		full, err := c.Compat(ctx, "ticks_v1", "1.0.0", "latest", client.InMode("full"), client.UnderPolicy("STRICT"))
		if err != nil {
			t.Fatal(err)
		}
		if full.Mode != "FULL" || full.Policy != "STRICT" || full.Compatible || len(full.Breaking()) == 0 || full.Bump != "major" {
			t.Errorf("Compat in FULL, STRICT: %+v", full)
		}
		var apiErr *client.APIError
		if _, err := c.Compat(ctx, "ticks_v1", "1.0.0", "latest", client.InMode("SIDEWAYS")); !errors.As(err, &apiErr) ||
			apiErr.Status != http.StatusBadRequest || !strings.Contains(apiErr.Message, "SIDEWAYS") {
			t.Errorf("Compat in an unknown mode: %v", err)
		}
	})
	t.Run("Validate", func(t *testing.T) {
		good := map[string]any{"ts": "2026-01-02T15:04:05.123456Z", "symbol": "ESH6", "price": 5321.25, "size": 3, "side": "B"}
		res, err := c.Validate(ctx, "ticks_v1", good)
		if err != nil || !res.Valid || res.Version != "1.1.0" || len(res.Errors) != 0 {
			t.Errorf("a good row: %+v, %v", res, err)
		}
		bad := []byte(`{"ts":"2026-01-02T15:04:05Z","symbol":"ESH6","price":5321.25,"size":3,"side":"X","exchange":"XCME"}`)
		res, err = c.Validate(ctx, "ticks_v1", bad, client.AtVersion("1.0.0"))
		if err != nil || res.Valid || res.Version != "1.0.0" || len(res.Errors) == 0 {
			t.Errorf("a bad row against 1.0.0: %+v, %v", res, err)
		}
	})
	t.Run("ValidateBatch", func(t *testing.T) {
		rows := strings.Join([]string{
			`{"ts":"2026-01-02T15:04:05Z","symbol":"ESH6","price":1,"size":1,"side":"S"}`,
			`{"ts":"2026-01-02T15:04:05Z","symbol":"ESH6","price":-1,"size":1,"side":"S"}`,
			`not json`,
			``,
			`{"ts":"2026-01-02T15:04:05Z","symbol":"ESH6","price":2,"size":1,"side":"B","exchange":"XCME"}`,
		}, "\n")
		var got []string
		for res, err := range c.ValidateBatch(ctx, "ticks_v1", strings.NewReader(rows)) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%d:%v", res.Line, res.Valid))
			if res.Line == 3 && (len(res.Errors) != 1 || res.Errors[0].Keyword != "parse") {
				t.Errorf("line 3: %+v", res)
			}
		}
		if want := "1:true 2:false 3:false 5:true"; strings.Join(got, " ") != want {
			t.Errorf("results %q, want %q", strings.Join(got, " "), want)
		}
	})
	t.Run("ValidateBatchStreams", func(t *testing.T) {
		// The result of a row comes back before the next row is written.
		pr, pw := io.Pipe()
		defer pw.Close()
		rows := []string{
			`{"ts":"2026-01-02T15:04:05Z","symbol":"ESH6","price":1,"size":1,"side":"S"}`,
			`{"ts":"2026-01-02T15:04:05Z","symbol":"ESH6","price":1,"size":1,"side":"?"}`,
		}
		go pw.Write([]byte(rows[0] + "\n"))
		n := 0
		for res, err := range c.ValidateBatch(ctx, "ticks_v1", pr) {
			if err != nil {
				t.Fatal(err)
			}
			n++
			if res.Line != n || res.Valid != (n == 1) {
				t.Errorf("result %d: %+v", n, res)
			}
			if n < len(rows) {
				go pw.Write([]byte(rows[n] + "\n"))
			} else {
				pw.Close()
			}
		}
		if n != len(rows) {
			t.Errorf("%d results, want %d", n, len(rows))
		}
	})
	t.Run("ArrowSchema", func(t *testing.T) {
		data, err := c.ArrowSchema(ctx, "ticks_v1", "1.1.0")
		if err != nil || !bytes.Equal(data, reg.file(t, bundle.ArrowFile("ticks_v1", "1.1.0"))) {
			t.Fatalf("ArrowSchema: %d bytes, %v", len(data), err)
		}
		rd, err := ipc.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer rd.Release()
		var names []string
		for _, f := range rd.Schema().Fields() {
			names = append(names, f.Name)
		}
		if strings.Join(names, ",") != "exchange,price,side,size,symbol,ts" { // no arrow block: sorted

			t.Errorf("fields %v", names)
		}
	})
	t.Run("Health", func(t *testing.T) {
		st, err := c.Health(ctx)
		if err != nil || st.Status != "ok" || st.Schemas != 2 || st.Generation == "" {
			t.Errorf("Health: %+v, %v", st, err)
		}
	})
	t.Run("Mirror", func(t *testing.T) {
		down := httptest.NewServer(http.NotFoundHandler())
		down.Close()
		m, err := client.New(down.URL, client.WithMirror(reg.mirror.URL+"/"), client.WithRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{"latest", "1.0.0"} {
			fromServer, err := c.GetVersion(ctx, "ticks_v1", v)
			if err != nil {
				t.Fatal(err)
			}
			fromMirror, err := m.GetVersion(ctx, "ticks_v1", v)
			if err != nil || !bytes.Equal(fromMirror.Body, fromServer.Body) || fromMirror.Digest != fromServer.Digest || fromMirror.Version != fromServer.Version {
				t.Errorf("ticks_v1 %s from the mirror: %v", v, err)
			}
			// ticks_v1 refers to no other schema: its bundled form is itself.
			for name, cl := range map[string]*client.Client{"server": c, "mirror": m} {
				b, err := cl.GetBundled(ctx, "ticks_v1", v)
				if err != nil || !bytes.Equal(b.Body, fromServer.Body) {
					t.Errorf("bundled ticks_v1 %s from the %s: %v", v, name, err)
				}
			}
		}
		sv, _ := c.Versions(ctx, "ticks_v1")
		if mv, err := m.Versions(ctx, "ticks_v1"); err != nil || !cmp.Equal(mv, sv) {
			t.Errorf("Versions from the mirror: %+v, %v", mv, err)
		}
		sl, _ := c.List(ctx)
		if ml, err := m.List(ctx); err != nil || !slices.Equal(ml, sl) {
			t.Errorf("List from the mirror: %+v, %v", ml, err)
		}
		for _, limit := range []int{1, 2, 3} {
			if mp := listPages(t, m, limit); !slices.Equal(mp, sl) {
				t.Errorf("List from the mirror in pages of %d: %+v", limit, mp)
			}
		}
		sa, _ := c.ArrowSchema(ctx, "ticks_v1", "latest")
		if ma, err := m.ArrowSchema(ctx, "ticks_v1", "latest"); err != nil || !bytes.Equal(ma, sa) {
			t.Errorf("ArrowSchema from the mirror: %v", err)
		}
		if _, err := m.GetSchema(ctx, "nope_v1"); !errors.Is(err, client.ErrNotFound) {
			t.Errorf("a schema the mirror lacks: %v", err)
		}
	})
}

// listPages reads the whole list with ListPage, limit schemas a page, and
// checks that every page but the last is full.
func listPages(t *testing.T, c *client.Client, limit int) []api.SchemaEntry {
	t.Helper()
	var all []api.SchemaEntry
	for after := ""; ; {
		page, next, err := c.ListPage(t.Context(), after, limit)
		if err != nil {
			t.Fatalf("ListPage(%q, %d): %v", after, limit, err)
		}
		all = append(all, page...)
		if next == "" {
			return all
		}
		if len(page) != limit || next != page[len(page)-1].ID {
			t.Fatalf("ListPage(%q, %d): %d schemas, next %q", after, limit, len(page), next)
		}
		after = next
	}
}
