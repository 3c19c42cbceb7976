package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// ErrNotConnected reports a call to an EtcdClient that has not reached etcd yet.
var ErrNotConnected = errors.New("etcd: not connected yet")

// EtcdClient is an etcd client that connects in the background, so that a
// server starts, and answers 503 and /ready, while etcd is down, even with
// authentication, where connecting needs etcd to issue a token. Until it
// is connected its calls fail with ErrNotConnected and its watches close at
// once. It implements Etcd.
type EtcdClient struct {
	cli     atomic.Pointer[clientv3.Client]
	lastErr atomic.Pointer[error] // why the last attempt to connect failed
	cancel  context.CancelFunc
	done    chan struct{}
}

// DialEtcd returns a client of etcd and starts connecting it, again and
// again with a backoff until it succeeds; Close stops. cfg comes from
// etcdclient.Config.ClientConfig; its password is never logged.
func DialEtcd(cfg clientv3.Config, logger *slog.Logger) *EtcdClient {
	ctx, cancel := context.WithCancel(context.Background())
	c := &EtcdClient{cancel: cancel, done: make(chan struct{})}
	endpoints := strings.Join(cfg.Endpoints, ",")
	go func() {
		defer close(c.done)
		backoff := minBackoff
		for {
			cli, err := clientv3.New(cfg)
			if err == nil {
				c.cli.Store(cli)
				return
			}
			c.lastErr.Store(&err)
			logger.Warn("connect to etcd", "endpoints", endpoints, LogKeyError, err)
			if !sleep(ctx, backoff) {
				return
			}
			backoff = min(2*backoff, 5*time.Second)
		}
	}()
	return c
}

// notConnected is ErrNotConnected with why the last attempt to connect
// failed, e.g. etcd refusing the password: what /ready shows.
func (c *EtcdClient) notConnected() error {
	if err := c.lastErr.Load(); err != nil {
		return fmt.Errorf("%w: %v", ErrNotConnected, *err)
	}
	return ErrNotConnected
}

// Client returns the connected client, nil until then.
func (c *EtcdClient) Client() *clientv3.Client { return c.cli.Load() }

// Close stops connecting and closes the client.
func (c *EtcdClient) Close() error {
	c.cancel()
	<-c.done
	if cli := c.cli.Load(); cli != nil {
		return cli.Close()
	}
	return nil
}

// Get implements clientv3.KV.
func (c *EtcdClient) Get(ctx context.Context, key string, opts ...clientv3.OpOption) (*clientv3.GetResponse, error) {
	if cli := c.cli.Load(); cli != nil {
		return cli.Get(ctx, key, opts...)
	}
	return nil, c.notConnected()
}

// GetStream implements clientv3.KV.
func (c *EtcdClient) GetStream(ctx context.Context, key string, opts ...clientv3.OpOption) (clientv3.GetStreamChan, error) {
	if cli := c.cli.Load(); cli != nil {
		return cli.GetStream(ctx, key, opts...)
	}
	return nil, c.notConnected()
}

// Put implements clientv3.KV.
func (c *EtcdClient) Put(ctx context.Context, key, val string, opts ...clientv3.OpOption) (*clientv3.PutResponse, error) {
	if cli := c.cli.Load(); cli != nil {
		return cli.Put(ctx, key, val, opts...)
	}
	return nil, c.notConnected()
}

// Delete implements clientv3.KV.
func (c *EtcdClient) Delete(ctx context.Context, key string, opts ...clientv3.OpOption) (*clientv3.DeleteResponse, error) {
	if cli := c.cli.Load(); cli != nil {
		return cli.Delete(ctx, key, opts...)
	}
	return nil, c.notConnected()
}

// Compact implements clientv3.KV.
func (c *EtcdClient) Compact(ctx context.Context, rev int64, opts ...clientv3.CompactOption) (*clientv3.CompactResponse, error) {
	if cli := c.cli.Load(); cli != nil {
		return cli.Compact(ctx, rev, opts...)
	}
	return nil, c.notConnected()
}

// Do implements clientv3.KV.
func (c *EtcdClient) Do(ctx context.Context, op clientv3.Op) (clientv3.OpResponse, error) {
	if cli := c.cli.Load(); cli != nil {
		return cli.Do(ctx, op)
	}
	return clientv3.OpResponse{}, c.notConnected()
}

// Txn implements clientv3.KV.
func (c *EtcdClient) Txn(ctx context.Context) clientv3.Txn {
	if cli := c.cli.Load(); cli != nil {
		return cli.Txn(ctx)
	}
	return failedTxn{err: c.notConnected()}
}

// Watch implements clientv3.Watcher.
func (c *EtcdClient) Watch(ctx context.Context, key string, opts ...clientv3.OpOption) clientv3.WatchChan {
	if cli := c.cli.Load(); cli != nil {
		return cli.Watch(ctx, key, opts...)
	}
	ch := make(chan clientv3.WatchResponse)
	close(ch)
	return ch
}

// RequestProgress implements clientv3.Watcher.
func (c *EtcdClient) RequestProgress(ctx context.Context) error {
	if cli := c.cli.Load(); cli != nil {
		return cli.RequestProgress(ctx)
	}
	return c.notConnected()
}

// failedTxn is the transaction of a client not connected yet.
type failedTxn struct{ err error }

func (t failedTxn) If(...clientv3.Cmp) clientv3.Txn        { return t }
func (t failedTxn) Then(...clientv3.Op) clientv3.Txn       { return t }
func (t failedTxn) Else(...clientv3.Op) clientv3.Txn       { return t }
func (t failedTxn) Commit() (*clientv3.TxnResponse, error) { return nil, t.err }
