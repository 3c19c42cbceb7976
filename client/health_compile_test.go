package client

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/server"
)

// TestHealthLastCompile reads the last compile attempt a real server
// reports: a refusal names its commit and error.
func TestHealthLastCompile(t *testing.T) {
	srv := server.New(etcdtest.Start(t).Client(t), slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	c, err := New(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Health(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if st.LastCompile != nil {
		t.Errorf("no compile yet, last compile %+v", st.LastCompile)
	}
	srv.RecordCompile(api.CompileAttempt{Commit: "abc", Error: "INVALID_BUMP", Time: "2026-01-02T10:00:00Z"})
	if st, err = c.Health(t.Context()); err != nil {
		t.Fatal(err)
	}
	if lc := st.LastCompile; lc == nil || lc.Commit != "abc" || lc.Error != "INVALID_BUMP" || lc.Time != "2026-01-02T10:00:00Z" {
		t.Errorf("last compile %+v", lc)
	}
}
