// Command benchserver serves the registry for .ci/bench-server: it starts
// an embedded etcd, compiles a Git repository of this project's schemas
// (testrepo) with extra synthetic ones, publishes the bundle with the
// syncer and serves it with the server, as "schemareg serve" does. It
// writes the bytes of the benchmarked reads below -root, for nginx to serve
// the same bytes, prints one JSON line (the address, the paths) on stdout
// and runs until SIGTERM.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"syscall"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/schemareg/schemareg/internal/etcdembed"
	"github.com/schemareg/schemareg/server"
	"github.com/schemareg/schemareg/server/internal/testrepo"
)

// Info is the line benchserver prints once it serves.
type Info struct {
	Addr  string            `json:"addr"`
	PID   int               `json:"pid"`
	Paths map[string]string `json:"paths"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "benchserver: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	addr := flag.String("addr", "127.0.0.1:0", "address to serve on")
	root := flag.String("root", "", "folder to write the static copies into")
	schemas := flag.String("schemas", "schemas", "the project's schemas folder")
	extra := flag.Int("extra", 200, "synthetic schemas besides the project's")
	logFile := flag.String("log", "", "file of the request log (JSON); empty discards it")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *root == "" {
		return fmt.Errorf("-root is required")
	}
	work, err := os.MkdirTemp("", "benchserver-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	etcd, err := etcdembed.Start(etcdembed.Config{Dir: filepath.Join(work, "etcd"), NoFsync: true})
	if err != nil {
		return err
	}
	defer etcd.Close()
	cli, err := clientv3.New(clientv3.Config{Endpoints: etcd.Endpoints(), DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		return err
	}
	defer cli.Close()
	repo, err := testrepo.Build(filepath.Join(work, "repo"), *schemas, *extra)
	if err != nil {
		return err
	}
	b, err := repo.Compile(ctx)
	if err != nil {
		return err
	}
	if _, err := testrepo.Publish(ctx, cli, b); err != nil {
		return err
	}

	var logOut io.Writer = io.Discard
	if *logFile != "" {
		f, err := os.Create(*logFile)
		if err != nil {
			return err
		}
		defer f.Close()
		lb := server.NewLogBuffer(f, 0) // as schemareg serve logs
		defer lb.Close()
		logOut = lb
	}
	logger := slog.New(slog.NewJSONHandler(logOut, nil))
	srv := server.New(cli, logger, server.Options{})
	go srv.Run(ctx)
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, hs, ln, 5*time.Second) }()

	ticks, _ := b.Manifest.Schema("ticks_v1")
	info := Info{Addr: ln.Addr().String(), PID: os.Getpid(), Paths: map[string]string{
		"version": "/schema/ticks_v1/" + ticks.Latest,
		"schemas": "/schemas",
	}}
	for _, p := range info.Paths {
		if err := copyStatic(ctx, "http://"+info.Addr+p, filepath.Join(*root, filepath.FromSlash(p))); err != nil {
			return err
		}
	}
	line, _ := json.Marshal(info)
	fmt.Println(string(line))
	return <-served
}

// copyStatic writes the identity bytes the server answers for url to file.
func copyStatic(ctx context.Context, url, file string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	return os.WriteFile(file, data, 0o644)
}
