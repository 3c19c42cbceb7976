package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/internal/etcdembed"
	"github.com/schemareg/schemareg/server"
	"github.com/schemareg/schemareg/server/internal/testrepo"
)

// A server over an etcd the syncer filled: the versions of a schema, then
// one version, and the same version again with its ETag.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "schemareg-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	etcd, err := etcdembed.Start(etcdembed.Config{Dir: filepath.Join(dir, "etcd"), NoFsync: true})
	if err != nil {
		log.Fatal(err)
	}
	defer etcd.Close()
	cli, err := clientv3.New(clientv3.Config{Endpoints: etcd.Endpoints(), DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		log.Fatal(err)
	}
	defer cli.Close()
	repo, err := testrepo.Build(filepath.Join(dir, "repo"), "../schemas", 0)
	if err != nil {
		log.Fatal(err)
	}
	b, err := repo.Compile(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := testrepo.Publish(ctx, cli, b); err != nil {
		log.Fatal(err)
	}

	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := server.New(cli, logger, server.Options{})
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	resp, err := http.Get(ts.URL + "/schema/ticks_v1/versions")
	if err != nil {
		log.Fatal(err)
	}
	var list api.VersionList
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	for _, v := range list.Versions {
		fmt.Println(v.Version, v.Bump)
	}

	resp, err = http.Get(ts.URL + "/schema/ticks_v1/1.1.0")
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))

	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/schema/ticks_v1/1.1.0", nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// 1.0.0 none
	// 1.1.0 minor
	// 1.1.1 patch
	// 200 application/schema+json public, max-age=31536000, immutable
	// 304
}
