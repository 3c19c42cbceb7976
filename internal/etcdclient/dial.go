package etcdclient

import (
	"context"
	"fmt"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/connectivity"
)

// Dial connects to etcd, as New does, and waits until etcd answers: at
// most the dial timeout, then it fails with what to check. New alone
// returns at once when etcd has no authentication, and the first call
// then waits for as long as its own deadline allows.
func Dial(ctx context.Context, c Config) (*clientv3.Client, error) {
	cli, err := New(c)
	if err != nil {
		return nil, err
	}
	timeout := c.DialTimeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn := cli.ActiveConnection()
	conn.Connect()
	for {
		st := conn.GetState()
		if st == connectivity.Ready {
			return cli, nil
		}
		if !conn.WaitForStateChange(ctx, st) {
			cli.Close()
			if err := ctx.Err(); err == context.Canceled {
				return nil, err
			}
			return nil, c.noAnswer(timeout, ctx.Err())
		}
	}
}

// noAnswer is the error of an etcd that did not answer in time.
func (c Config) noAnswer(timeout time.Duration, err error) error {
	return fmt.Errorf("connect to %s: no answer within %s (-etcd-dial-timeout): %w. Is etcd running and reachable?%s", c, timeout, err, c.tlsHint())
}

// tlsHint says what to check when etcd may want TLS the configuration
// does not give.
func (c Config) tlsHint() string {
	tlsURL := false
	for _, e := range c.EndpointList() {
		tlsURL = tlsURL || strings.HasPrefix(e, "https://")
	}
	switch {
	case (tlsURL || c.CA != "") && c.Cert == "":
		return " If etcd requires client certificates (--client-cert-auth), give -etcd-cert and -etcd-key; check -etcd-ca too."
	case tlsURL || c.CA != "":
		return " Check that -etcd-ca signs etcd's certificate and that etcd trusts -etcd-cert."
	}
	return " If etcd serves TLS, use https:// endpoints with -etcd-ca, and -etcd-cert and -etcd-key if it requires client certificates."
}
