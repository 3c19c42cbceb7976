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
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
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

// Start starts a member and waits until it is ready to serve. A port it
// picks is free when picked but may be taken before etcd binds it: then it
// picks again, up to five times.
func Start(cfg Config) (*Server, error) {
	if cfg.Name == "" {
		cfg.Name = "default"
	}
	if cfg.Dir == "" {
		return nil, errors.New("etcd: a data directory is required")
	}
	picked := cfg.ClientURL == "" || cfg.PeerURL == ""
	for attempt := 1; ; attempt++ {
		c := cfg
		var err error
		if c.ClientURL == "" {
			if c.ClientURL, err = FreeURL(); err != nil {
				return nil, err
			}
		}
		if c.PeerURL == "" {
			if c.PeerURL, err = FreeURL(); err != nil {
				return nil, err
			}
		}
		s, err := start(c)
		if err == nil || !picked || !AddrInUse(err) || attempt == 5 {
			return s, err
		}
	}
}

// AddrInUse reports whether err is a port that another socket holds.
func AddrInUse(err error) bool {
	return errors.Is(err, syscall.EADDRINUSE) || err != nil && strings.Contains(err.Error(), "address already in use")
}

func start(cfg Config) (*Server, error) {
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

// FreeURL returns http://127.0.0.1:PORT for a port that was free a moment
// ago (FreePort).
func FreeURL() (string, error) {
	port, err := FreePort()
	if err != nil {
		return "", err
	}
	return "http://127.0.0.1:" + strconv.Itoa(port), nil
}

// FreePort returns a loopback TCP port that was free a moment ago, for a
// listener that binds it later. It is drawn below the system's range of
// ephemeral ports when there is room there: neither outgoing connections
// nor listeners on port 0 are given such a port, so it stays free until it
// is bound. Elsewhere it is a port the system gives a listener on port 0.
func FreePort() (int, error) {
	if lo, hi, ok := belowEphemeral(); ok {
		for range 100 {
			port := lo + rand.IntN(hi-lo)
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
			if err == nil {
				l.Close()
				return port, nil
			}
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("etcd: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// belowEphemeral returns up to 10,000 ports below the system's ephemeral
// range, above the privileged ones; ok is false when there are not 1,000.
func belowEphemeral() (lo, hi int, ok bool) {
	data, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0, 0, false
	}
	fields := strings.Fields(string(data))
	if len(fields) != 2 {
		return 0, 0, false
	}
	low, err := strconv.Atoi(fields[0])
	if err != nil {
		return 0, 0, false
	}
	lo, hi = max(low-10_000, 1024), low
	return lo, hi, hi-lo >= 1000
}
