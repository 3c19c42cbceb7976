package confluent

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/schemareg/schemareg/internal/etcdtest"
)

func TestNothingPublishedAndEtcdDown(t *testing.T) {
	etcd := etcdtest.Start(t)
	cli := etcd.Client(t)
	api := New(cli, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{CallTimeout: 2 * time.Second})
	srv := httptest.NewServer(api.Handler(DefaultPrefix))
	defer srv.Close()
	check := func(want int) {
		t.Helper()
		resp, err := http.Get(srv.URL + "/confluent/subjects")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e Error
		if err := json.NewDecoder(resp.Body).Decode(&e); err != nil || resp.StatusCode != http.StatusServiceUnavailable || e.Code != want {
			t.Errorf("GET /subjects: %d %+v (%v), want 503 with error_code %d", resp.StatusCode, e, err, want)
		}
	}
	check(CodeNotPublished)
	etcd.Stop()
	check(CodeUnavailable)
}
