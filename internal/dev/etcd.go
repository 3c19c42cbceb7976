package dev

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"

	"github.com/schemareg/schemareg/internal/etcdembed"
)

// etcdURLs are the loopback URLs of the embedded member, kept beside its
// data so that the next run listens where the last one did: an etcd data
// dir remembers its member's peer URL.
type etcdURLs struct {
	Client string `json:"client"`
	Peer   string `json:"peer"`
}

// startEtcd starts the embedded member with its data in dataDir/etcd, on
// the URLs asked for, else those of the last run when they are free, else
// on free ones etcdembed.Start picks. It keeps the URLs it listens on for
// the next run.
func startEtcd(dataDir string, want etcdURLs) (*etcdembed.Server, error) {
	path := filepath.Join(dataDir, "etcd.json")
	var urls etcdURLs
	if data, err := os.ReadFile(path); err == nil {
		json.Unmarshal(data, &urls)
	}
	if want.Client != "" {
		urls.Client = want.Client
	}
	if want.Peer != "" {
		urls.Peer = want.Peer
	}
	if want.Client == "" && want.Peer == "" && (!free(urls.Client) || !free(urls.Peer)) {
		urls = etcdURLs{}
	}
	srv, err := etcdembed.Start(etcdembed.Config{Name: "dev", Dir: filepath.Join(dataDir, "etcd"), ClientURL: urls.Client, PeerURL: urls.Peer})
	if err != nil {
		return nil, fmt.Errorf("dev: %w (to start afresh, remove %s)", err, dataDir)
	}
	cfg := srv.Config()
	urls = etcdURLs{Client: cfg.ClientURL, Peer: cfg.PeerURL}
	if data, err := json.Marshal(urls); err == nil {
		os.WriteFile(path, data, 0o644)
	}
	return srv, nil
}

// free reports whether a loopback URL's port can be listened on now.
func free(raw string) bool {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || u.Hostname() != "127.0.0.1" {
		return false
	}
	l, err := net.Listen("tcp", u.Host)
	if err != nil {
		return false
	}
	l.Close()
	return true
}
