// Package etcdtest starts real etcd members inside the test process, on
// loopback ports, with their data in a test's temporary directory.
//
//	func TestSync(t *testing.T) {
//		srv := etcdtest.Start(t)      // stopped when the test ends
//		cli := srv.Client(t)          // closed when the test ends
//		...
//		srv.Stop()                    // etcd down: test what happens
//		srv.Restart(t)                // same ports, same data
//	}
//
// StartCluster starts a cluster of members that can be stopped one by one.
// Tests that need etcd skip themselves under -short.
package etcdtest

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/schemareg/schemareg/internal/etcdembed"
)

// Server is one etcd member started for a test.
type Server struct {
	mu  sync.Mutex
	cfg etcdembed.Config
	srv *etcdembed.Server // nil while stopped
}

// Start starts a single-member etcd and stops it when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	if testing.Short() {
		tb.Skip("skipping etcd test in -short mode")
	}
	s := &Server{cfg: etcdembed.Config{Dir: filepath.Join(tb.TempDir(), "etcd"), NoFsync: true, Logger: zap.NewNop()}}
	s.start(tb)
	tb.Cleanup(s.Stop)
	return s
}

func (s *Server) start(tb testing.TB) {
	tb.Helper()
	srv, err := etcdembed.Start(s.cfg)
	// A restart keeps its ports, which a connection of another test may
	// hold for a moment as its local port.
	for i := 0; i < 50 && etcdembed.AddrInUse(err) && s.cfg.ClientURL != ""; i++ {
		time.Sleep(100 * time.Millisecond)
		srv, err = etcdembed.Start(s.cfg)
	}
	if err != nil {
		tb.Fatalf("start etcd: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg = srv.Config()
	s.cfg.ClusterState = "existing"
	s.srv = srv
}

// Endpoints returns the member's client URLs; they stay the same across
// Stop and Restart.
func (s *Server) Endpoints() []string { return []string{s.cfg.ClientURL} }

// Client returns a client of the member, closed when the test ends.
func (s *Server) Client(tb testing.TB) *clientv3.Client {
	tb.Helper()
	return NewClient(tb, s.Endpoints())
}

// Stop stops the member, keeping its data. It is safe to call more than once.
func (s *Server) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// Restart starts a stopped member again on the same ports and data.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	s.start(tb)
}

// Running reports whether the member is running.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.srv != nil
}

// Cluster is a multi-member etcd cluster.
type Cluster struct {
	Members []*Server
}

// StartCluster starts an n-member cluster and stops it when the test ends.
// Its members' ports are chosen before they are bound, so another test may
// take one in between: a start that finds a port taken is made again on
// new ports.
func StartCluster(tb testing.TB, n int) *Cluster {
	tb.Helper()
	if testing.Short() {
		tb.Skip("skipping etcd cluster test in -short mode")
	}
	dir := tb.TempDir()
	for attempt := 1; ; attempt++ {
		c, err := startCluster(filepath.Join(dir, fmt.Sprint(attempt)), n)
		if err == nil {
			tb.Cleanup(c.stop)
			return c
		}
		if !etcdembed.AddrInUse(err) || attempt == 5 {
			tb.Fatalf("start etcd cluster: %v", err)
		}
		tb.Logf("start etcd cluster: %v; again on other ports", err)
	}
}

// startCluster starts an n-member cluster with its data under dir; on an
// error it stops the members it started.
func startCluster(dir string, n int) (*Cluster, error) {
	c := &Cluster{}
	var peers []string
	for i := 0; i < n; i++ {
		cu, err := etcdembed.FreeURL()
		if err != nil {
			return nil, err
		}
		pu, err := etcdembed.FreeURL()
		if err != nil {
			return nil, err
		}
		name := fmt.Sprintf("m%d", i)
		c.Members = append(c.Members, &Server{cfg: etcdembed.Config{
			Name: name, Dir: filepath.Join(dir, name), ClientURL: cu, PeerURL: pu,
			NoFsync: true, Logger: zap.NewNop(),
		}})
		peers = append(peers, name+"="+pu)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, m := range c.Members {
		m.cfg.InitialCluster = strings.Join(peers, ",")
		wg.Add(1)
		go func() {
			defer wg.Done()
			srv, err := etcdembed.Start(m.cfg)
			if err != nil {
				errs[i] = err
				return
			}
			m.mu.Lock()
			m.cfg = srv.Config()
			m.cfg.ClusterState = "existing"
			m.srv = srv
			m.mu.Unlock()
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		c.stop()
		return nil, err
	}
	return c, nil
}

// stop stops every member.
func (c *Cluster) stop() {
	for _, m := range c.Members {
		m.Stop()
	}
}

// Endpoints returns every member's client URL.
func (c *Cluster) Endpoints() []string {
	var eps []string
	for _, m := range c.Members {
		eps = append(eps, m.Endpoints()...)
	}
	return eps
}

// Client returns a client of the whole cluster, closed when the test ends.
func (c *Cluster) Client(tb testing.TB) *clientv3.Client {
	tb.Helper()
	return NewClient(tb, c.Endpoints())
}

// NewClient connects to endpoints and closes the client when the test ends.
func NewClient(tb testing.TB, endpoints []string) *clientv3.Client {
	tb.Helper()
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:   endpoints,
		DialTimeout: 5 * time.Second,
		Logger:      zap.NewNop(),
	})
	if err != nil {
		tb.Fatalf("etcd client: %v", err)
	}
	tb.Cleanup(func() { cli.Close() })
	return cli
}

// WaitReady waits until a linearizable read through cli succeeds.
func WaitReady(tb testing.TB, cli *clientv3.Client) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := cli.Get(ctx, "health-probe")
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("etcd not ready: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
