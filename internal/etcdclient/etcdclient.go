// Package etcdclient builds the etcd client every command that talks to
// etcd uses (sync, snapshot, serve, dev), from one set of flags: endpoints,
// user and password, and TLS files.
//
//	var cfg etcdclient.Config
//	cfg.RegisterFlags(fs) // -etcd, -etcd-user, -etcd-password, -etcd-ca, ...
//	...parse...
//	cli, err := etcdclient.New(cfg)
//	if err != nil {
//		return err
//	}
//	defer cli.Close()
//
// The password is best given through the environment (SCHEMAREG_ETCD_PASSWORD
// with the commands' env fallback): a flag shows in the process list.
// Config's String never shows it.
package etcdclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// DefaultEndpoints is the etcd a command talks to when none is given.
const DefaultEndpoints = "http://127.0.0.1:2379"

// Config is how to reach etcd.
type Config struct {
	// Endpoints is a comma-separated list of client URLs.
	Endpoints string
	// Username and Password authenticate when Username is set.
	Username, Password string
	// CA, Cert and Key are PEM files: the CA to trust, and a client
	// certificate with its key for mutual TLS.
	CA, Cert, Key string
	// DialTimeout bounds connecting; default 5s.
	DialTimeout time.Duration
	// Logger receives the client's own logs; nil discards them.
	Logger *zap.Logger
}

// RegisterFlags defines the connection flags on fs, filling c.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Endpoints, "etcd", DefaultEndpoints, "etcd client `URLs`, comma-separated")
	fs.StringVar(&c.Username, "etcd-user", "", "etcd user name, when etcd has authentication on")
	fs.StringVar(&c.Password, "etcd-password", "", "etcd password; prefer the environment variable, a flag shows in the process list")
	fs.StringVar(&c.CA, "etcd-ca", "", "PEM `file` of the CA that signs the etcd servers' certificates")
	fs.StringVar(&c.Cert, "etcd-cert", "", "PEM `file` of the client certificate, for mutual TLS")
	fs.StringVar(&c.Key, "etcd-key", "", "PEM `file` of the client certificate's key")
	fs.DurationVar(&c.DialTimeout, "etcd-dial-timeout", 5*time.Second, "how long to wait for etcd to answer the first time")
}

// EndpointList returns the endpoints, split and trimmed, without the
// user:password@ an endpoint may carry: they are safe to print.
func (c Config) EndpointList() []string {
	var eps []string
	for _, e := range strings.Split(c.Endpoints, ",") {
		if e = strings.TrimSpace(e); e != "" {
			clean, _ := splitUserinfo(e)
			eps = append(eps, clean)
		}
	}
	return eps
}

// splitUserinfo splits the user:password@ out of an endpoint URL. It
// parses by hand: url.Parse's errors quote the whole URL, password
// included.
func splitUserinfo(ep string) (clean, userinfo string) {
	scheme, rest, ok := strings.Cut(ep, "://")
	if !ok {
		scheme, rest = "", ep
	}
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	at := strings.LastIndex(host, "@")
	if at < 0 {
		return ep, ""
	}
	clean = rest[at+1:]
	if ok {
		clean = scheme + "://" + clean
	}
	return clean, host[:at]
}

// credentials returns the user and password: the flags', or else those an
// endpoint URL carries (http://user:password@host:2379).
func (c Config) credentials() (user, password string, err error) {
	user, password = c.Username, c.Password
	for _, e := range strings.Split(c.Endpoints, ",") {
		_, info := splitUserinfo(strings.TrimSpace(e))
		if info == "" {
			continue
		}
		u, p, _ := strings.Cut(info, ":")
		if u, err = url.PathUnescape(u); err != nil {
			return "", "", errors.New("etcd: the user name in an endpoint URL is not URL-escaped; use -etcd-user and -etcd-password")
		}
		if p, err = url.PathUnescape(p); err != nil {
			return "", "", errors.New("etcd: the password in an endpoint URL is not URL-escaped; use -etcd-password")
		}
		switch {
		case c.Username != "" && u != c.Username:
			return "", "", fmt.Errorf("etcd: an endpoint URL names user %q, -etcd-user %q; give one", u, c.Username)
		case user != "" && user != u, password != "" && password != p && c.Password == "":
			return "", "", errors.New("etcd: the endpoint URLs name different users or passwords; use -etcd-user and -etcd-password")
		}
		user = u
		if c.Password == "" {
			password = p
		}
	}
	return user, password, nil
}

// String describes the configuration without its password, also when an
// endpoint URL carries one.
func (c Config) String() string {
	s := "etcd " + strings.Join(c.EndpointList(), ",")
	if user, password, err := c.credentials(); err == nil && user != "" {
		s += " as " + user
		if password != "" {
			s += " (password set)"
		}
	}
	if c.CA != "" || c.Cert != "" {
		s += " over TLS"
	}
	return s
}

// TLS returns the TLS configuration the files name, nil when they name none.
func (c Config) TLS() (*tls.Config, error) {
	if c.CA == "" && c.Cert == "" && c.Key == "" {
		return nil, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.CA != "" {
		pem, err := os.ReadFile(c.CA)
		if err != nil {
			return nil, fmt.Errorf("etcd ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("etcd ca %s: no PEM certificate in it", c.CA)
		}
		tc.RootCAs = pool
	}
	if (c.Cert == "") != (c.Key == "") {
		return nil, errors.New("etcd: -etcd-cert and -etcd-key go together")
	}
	if c.Cert != "" {
		cert, err := tls.LoadX509KeyPair(c.Cert, c.Key)
		if err != nil {
			return nil, fmt.Errorf("etcd client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// ClientConfig returns the clientv3 configuration.
func (c Config) ClientConfig() (clientv3.Config, error) {
	eps := c.EndpointList()
	if len(eps) == 0 {
		return clientv3.Config{}, errors.New("etcd: no endpoint given (-etcd)")
	}
	user, password, err := c.credentials()
	if err != nil {
		return clientv3.Config{}, err
	}
	if password != "" && user == "" {
		return clientv3.Config{}, errors.New("etcd: a password without a user (-etcd-user)")
	}
	tc, err := c.TLS()
	if err != nil {
		return clientv3.Config{}, err
	}
	logger := c.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	timeout := c.DialTimeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	return clientv3.Config{
		Endpoints: eps, DialTimeout: timeout, TLS: tc,
		Username: user, Password: password,
		Logger: logger,
		// Keep the connection checked, so a dead member is noticed and the
		// client moves to another.
		DialKeepAliveTime: 10 * time.Second, DialKeepAliveTimeout: 5 * time.Second,
	}, nil
}

// New connects to etcd.
func New(c Config) (*clientv3.Client, error) {
	cc, err := c.ClientConfig()
	if err != nil {
		return nil, err
	}
	cli, err := clientv3.New(cc)
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, c.noAnswer(cc.DialTimeout, err)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", c, err)
	}
	return cli, nil
}
