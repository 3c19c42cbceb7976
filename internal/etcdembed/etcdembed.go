// Package etcdembed runs an etcd member inside the process, for
// "schemareg dev" and for tests. It wraps go.etcd.io/etcd/server/v3/embed
// with loopback defaults, a quiet logger and a Close that is safe to call
// more than once.
//
//	srv, err := etcdembed.Start(etcdembed.Config{Dir: ".schemareg/etcd"})
//	if err != nil {
//		return err
//	}
//	defer srv.Close()
//	cli, err := clientv3.New(clientv3.Config{Endpoints: srv.Endpoints()})
package etcdembed

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"sync"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
)

// Config configures one member. Zero values pick loopback defaults.
type Config struct {
	// Name of the member; "default" when empty.
	Name string
	// Dir is the data directory.
	Dir string
	// ClientURL and PeerURL are the member's loopback URLs; empty picks a
	// free port on 127.0.0.1.
	ClientURL, PeerURL string
	// InitialCluster is "name=peerURL,..." for a cluster; empty for one member.
	InitialCluster string
	// ClusterState is "new" (default) or "existing".
	ClusterState string
	// Logger receives etcd's logs; nil discards them.
	Logger *zap.Logger
	// StartTimeout bounds the wait for the member to be ready; default 30s.
	StartTimeout time.Duration
	// NoFsync trades durability for speed (tests only).
	NoFsync bool
}

// Server is a running member.
type Server struct {
	cfg  Config
	etcd *embed.Etcd
	once sync.Once
}

// Start starts a member and waits until it is ready to serve.
func Start(cfg Config) (*Server, error) {
	if cfg.Name == "" {
		cfg.Name = "default"
	}
	if cfg.Dir == "" {
		return nil, errors.New("etcd: a data directory is required")
	}
	var err error
	if cfg.ClientURL == "" {
		if cfg.ClientURL, err = FreeURL(); err != nil {
			return nil, err
		}
	}
	if cfg.PeerURL == "" {
		if cfg.PeerURL, err = FreeURL(); err != nil {
			return nil, err
		}
	}
	if cfg.StartTimeout == 0 {
		cfg.StartTimeout = 30 * time.Second
	}
	ec := embed.NewConfig()
	ec.Name = cfg.Name
	ec.Dir = cfg.Dir
	ec.UnsafeNoFsync = cfg.NoFsync
	cu, err := url.Parse(cfg.ClientURL)
	if err != nil {
		return nil, fmt.Errorf("etcd: client url %q: %w", cfg.ClientURL, err)
	}
	pu, err := url.Parse(cfg.PeerURL)
	if err != nil {
		return nil, fmt.Errorf("etcd: peer url %q: %w", cfg.PeerURL, err)
	}
	ec.ListenClientUrls, ec.AdvertiseClientUrls = []url.URL{*cu}, []url.URL{*cu}
	ec.ListenPeerUrls, ec.AdvertisePeerUrls = []url.URL{*pu}, []url.URL{*pu}
	if cfg.InitialCluster != "" {
		ec.InitialCluster = cfg.InitialCluster
	} else {
		ec.InitialCluster = ec.InitialClusterFromName(cfg.Name)
	}
	if cfg.ClusterState != "" {
		ec.ClusterState = cfg.ClusterState
	}
	logger := cfg.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	ec.ZapLoggerBuilder = embed.NewZapLoggerBuilder(logger)
	e, err := embed.StartEtcd(ec)
	if err != nil {
		return nil, fmt.Errorf("etcd: start %s: %w", cfg.Name, err)
	}
	s := &Server{cfg: cfg, etcd: e}
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		s.Close()
		return nil, fmt.Errorf("etcd: start %s: %w", cfg.Name, err)
	case <-time.After(cfg.StartTimeout):
		s.Close()
		return nil, fmt.Errorf("etcd: start %s: not ready after %s", cfg.Name, cfg.StartTimeout)
	}
	return s, nil
}

// Endpoints returns the client URLs.
func (s *Server) Endpoints() []string { return []string{s.cfg.ClientURL} }

// Config returns the configuration the member runs with, with the URLs it picked.
func (s *Server) Config() Config { return s.cfg }

// Etcd returns the embedded server.
func (s *Server) Etcd() *embed.Etcd { return s.etcd }

// Close stops the member. It is safe to call more than once.
func (s *Server) Close() {
	s.once.Do(func() {
		s.etcd.Close()
		<-s.etcd.Server.StopNotify()
	})
}

// FreeURL returns http://127.0.0.1:PORT for a port that was free a moment ago.
func FreeURL() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("etcd: find a free port: %w", err)
	}
	defer l.Close()
	return "http://127.0.0.1:" + strconv.Itoa(l.Addr().(*net.TCPAddr).Port), nil
}
