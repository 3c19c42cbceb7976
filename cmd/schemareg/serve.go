package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/internal/etcdclient"
	"github.com/schemareg/schemareg/internal/etcdstore"
	"github.com/schemareg/schemareg/server"
	"github.com/schemareg/schemareg/server/confluent"
)

// runServe serves the REST API from etcd until ctx ends (SIGTERM), then
// shuts down gracefully.
func runServe(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("serve", "serve [flags]", e)
	var etcd etcdclient.Config
	etcd.RegisterFlags(fs)
	var o server.Options
	addr := fs.String("addr", ":8000", "the `address` to listen on")
	prefix := fs.String("prefix", etcdstore.DefaultPrefix, "the registry's etcd key prefix")
	fs.DurationVar(&o.MaxAge, "max-age", server.DefaultMaxAge, "Cache-Control max-age of latest versions and lists")
	fs.DurationVar(&o.CacheTTL, "cache-ttl", server.DefaultCacheTTL, "how long a cached answer is trusted without asking etcd")
	fs.Int64Var(&o.CacheBytes, "cache-bytes", server.DefaultCacheBytes, "the cache's bound in bytes")
	fs.DurationVar(&o.CallTimeout, "call-timeout", server.DefaultCallTimeout, "the deadline of each etcd call")
	fs.Int64Var(&o.MaxBody, "max-body", server.DefaultMaxBody, "the largest request body, and NDJSON line, in bytes")
	fs.Int64Var(&o.MaxBatch, "max-batch", server.DefaultMaxBatch, "the largest NDJSON batch in bytes")
	fs.DurationVar(&o.StreamIdle, "stream-idle", server.DefaultStreamIdle, "how long an NDJSON batch may wait for its next bytes, or for the client to read")
	fs.DurationVar(&o.StreamTimeout, "stream-timeout", server.DefaultStreamTimeout, "the deadline of a whole NDJSON batch")
	fs.Float64Var(&o.RateLimit, "rate-limit", 0, "requests per second per client address, 0 for no limit")
	fs.IntVar(&o.RateBurst, "rate-burst", 0, "the rate limit's burst (default: the rate)")
	fs.IntVar(&o.EventStreams, "max-event-streams", server.DefaultEventStreams, "the most GET /events streams open at once; one more is answered 503")
	fs.DurationVar(&o.Heartbeat, "event-heartbeat", server.DefaultHeartbeat, "how often an idle GET /events stream sends a heartbeat")
	policy := choiceFlag(fs, "policy", "", "compatibility policy of verdicts: LENIENT (default) or STRICT", policyNames...)
	tlsCert := fs.String("tls-cert", "", "PEM `file` of the server certificate: serve HTTPS")
	tlsKey := fs.String("tls-key", "", "PEM `file` of the server certificate's key")
	tlsClientCA := fs.String("tls-client-ca", "", "PEM `file` of the CA whose client certificates are required (mutual TLS)")
	var git server.GitTarget
	fs.StringVar(&git.Repo, "git-repo", "", "commit new versions (POST /schema/{id}) to this repository `folder`; without it, POST answers 403")
	fs.StringVar(&git.Branch, "git-branch", "main", "the branch to commit to")
	fs.StringVar(&git.Dir, "git-dir", "schemas", "the schemas folder inside the repository, for new schemas")
	fs.StringVar(&git.Author, "git-author", "", `committer of the commits, "Name <email>"; the author is the writer`)
	writeTokens := fs.String("write-token-file", "", "`file` of \"NAME TOKEN\" lines: bearer tokens that may write with --git-repo")
	var hs http.Server
	fs.DurationVar(&hs.ReadHeaderTimeout, "read-header-timeout", 5e9, "the deadline to read a request's header")
	fs.DurationVar(&hs.ReadTimeout, "read-timeout", 30e9, "the deadline to read a whole request (NDJSON batches extend it while they move)")
	fs.DurationVar(&hs.WriteTimeout, "write-timeout", 60e9, "the deadline to write a response (NDJSON batches extend it while they move)")
	fs.DurationVar(&hs.IdleTimeout, "idle-timeout", 120e9, "how long an idle keep-alive connection stays open")
	grace := fs.Duration("shutdown-grace", server.DefaultShutdownGrace, "how long a shutdown waits for requests in flight")
	logFormat := choiceFlag(fs, "log-format", "text", "log format on stderr: text or json", "text", "json")
	confluentPrefix := fs.String("confluent-prefix", confluent.DefaultPrefix, "the `path` the Confluent-compatible API is served under; \"\" turns it off")
	confluentNaming := choiceFlag(fs, "confluent-subjects", string(confluent.NamingID), "how the Confluent-compatible API names subjects: id (ticks_v1) or id-value (ticks_v1-value)",
		string(confluent.NamingID), string(confluent.NamingValue))
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageErrorf("serve takes no arguments, got %q", fs.Args())
	case !strings.HasPrefix(*prefix, "/"):
		return usageErrorf("serve: --prefix %q must start with /", *prefix)
	case (*tlsCert == "") != (*tlsKey == ""):
		return usageErrorf("serve: --tls-cert and --tls-key go together")
	case *tlsClientCA != "" && *tlsCert == "":
		return usageErrorf("serve: --tls-client-ca needs --tls-cert and --tls-key")
	case *confluentPrefix != "" && (!strings.HasPrefix(*confluentPrefix, "/") || *confluentPrefix == "/" || strings.ContainsAny(*confluentPrefix, "{}")):
		return usageErrorf("serve: --confluent-prefix %q must be a path such as /confluent", *confluentPrefix)
	}
	naming, err := confluent.ParseNaming(*confluentNaming)
	if err != nil {
		return usageErrorf("serve: --confluent-subjects: %v", err)
	}
	if o.Policy, err = compat.ParsePolicy(*policy); err != nil {
		return usageErrorf("serve: --policy: %v", err)
	}
	// One record per request: buffered, so requests do not queue on stderr.
	logOut := server.NewLogBuffer(e.stderr, 0)
	defer logOut.Close()
	logger, err := newCommandLogger(logOut, *logFormat)
	if err != nil {
		return err
	}
	if *tlsCert != "" {
		if hs.TLSConfig, err = server.TLSConfig(*tlsCert, *tlsKey, *tlsClientCA); err != nil {
			return usageErrorf("serve: %v", err)
		}
	}
	cc, err := etcd.ClientConfig()
	if err != nil {
		return usageErrorf("serve: %v", err)
	}
	o.Keys = etcdstore.Keys{Prefix: *prefix}
	if git.Repo != "" {
		if *writeTokens == "" && *tlsClientCA == "" {
			return usageErrorf("serve: --git-repo needs writers to authenticate: give --write-token-file or --tls-client-ca")
		}
		if err := git.Check(); err != nil {
			return usageErrorf("serve: --git-repo: %v", err)
		}
		if *writeTokens != "" {
			if o.WriteTokens, err = server.LoadWriteTokens(*writeTokens); err != nil {
				return usageErrorf("serve: --write-token-file: %v", err)
			}
		}
		o.WriteClientCerts = *tlsClientCA != ""
		o.Git = &git
	} else if *writeTokens != "" {
		return usageErrorf("serve: --write-token-file needs --git-repo")
	}

	// The client connects in the background: the server starts, answers
	// /health and says on /ready that it is not ready while etcd is down.
	cli := server.DialEtcd(cc, logger)
	defer cli.Close()
	srv := server.New(cli, logger, o)
	if *confluentPrefix != "" {
		confluent.New(cli, logger, confluent.Options{Keys: o.Keys, Naming: naming, CallTimeout: o.CallTimeout,
			MaxBody: o.MaxBody, MaxAge: o.MaxAge, Policy: o.Policy}).Register(*confluentPrefix, srv.Mount)
	}
	hs.Addr, hs.Handler = *addr, srv.Handler()
	hs.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	runDone := make(chan struct{})
	go func() {
		defer close(runDone)
		srv.Run(ctx)
	}()
	logger.Info("starting", "etcd", etcd.String(), "prefix", *prefix, "git", git.Repo != "")
	err = srv.ListenAndServe(ctx, &hs, *grace)
	cancel()
	<-runDone
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
