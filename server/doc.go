// Package server is the registry's REST API: a stateless, read-through
// http.Handler over the bundle the syncer publishes in etcd. Replicas share
// nothing but etcd, and answer the same bytes and the same ETags.
//
//	out := server.NewLogBuffer(os.Stderr, 0) // one record per request, buffered
//	defer out.Close()
//	logger := slog.New(slog.NewJSONHandler(out, nil))
//	cc, err := etcdclient.Config{Endpoints: "http://127.0.0.1:2379"}.ClientConfig()
//	...
//	cli := server.DialEtcd(cc, logger) // connects in the background
//	defer cli.Close()
//	srv := server.New(cli, logger, server.Options{})
//	go srv.Run(ctx) // follow new generations
//	hs := &http.Server{Addr: ":8000", ReadHeaderTimeout: 5 * time.Second}
//	return srv.ListenAndServe(ctx, hs, 0) // answers cached reads on a lane of its own
//
// Mount adds handlers behind the same middleware, e.g. the documentation
// site under /docs/.
//
// # Routes
//
//	GET  /schema/{id}                   latest version (application/schema+json)
//	GET  /schema/{id}/{version}         one version; "latest" too
//	GET  /schema/{id}/versions          api.VersionList: digest, commit, time, bump
//	GET  /schema/{id}/{version}/arrow   Arrow IPC schema; ?format=json: ArrowSchema
//	GET  /schema/{id}/{version}/expectations  a Great Expectations suite (package expectations)
//	GET  /events                        Server-Sent Events, or WebSocket on Upgrade: one per generation
//	GET  /schemas                       api.SchemaList; ?limit=&after= for a page
//	GET  /compat/{id}/{from}/{to}       Compat: verdict and changes; ?mode=, ?policy=
//	POST /schema/{id}/compat            is this data valid? JSON: Result; NDJSON: a Result per line
//	POST /schema/{id}                   a new version: Verdict, then commit (202), 403, 409; ?dry_run=true
//	GET  /health, /ready                api.Status; /ready is 503 unless etcd answers and a generation is loaded
//	GET  /metrics                       Prometheus
//
// Every GET answers HEAD. Errors have one shape, {"error": {"code",
// "message"}}: 400 for a bad id, version or parameter (ids are checked
// before anything reaches etcd), 404, 405, 413 for a body over
// Options.MaxBody or a batch over Options.MaxBatch, 415, 422 for an invalid
// schema, 429 over the rate limit, 503 when etcd is unreachable and the
// answer is not cached.
//
// # ETags and caching
//
// A version's ETag is its digest, computed once by the compiler:
// "sha256:<hex>", quoted; its gzip variant (Accept-Encoding: gzip) is
// "sha256:<hex>-gz". Lists and verdicts are tagged with the digest of their
// bytes, which every replica encodes alike. If-None-Match answers 304 with
// ETag, Cache-Control and Vary. A version named by its number is immutable
// ("public, max-age=31536000, immutable"); latest, lists and verdicts get
// Options.MaxAge.
//
// # The cache
//
// Answers are encoded once, with their gzip variant and header values, and
// kept in a cache bounded in bytes. What it holds is either immutable in
// etcd (a version's bytes, keyed by its digest; a version list, keyed by
// its ref) or keyed by the generation, so the cache never needs to be
// flushed: a new generation is a new index, swapped in atomically, whose
// answers are built on demand from what is cached already. Run watches
// the generation key and loads a new generation the moment it is
// published; after a compaction or a lost watch it loads and watches again.
// Entries older than Options.CacheTTL are fetched again, and when etcd
// cannot be reached the expired entry is served (stale-if-error) while
// /ready says "degraded".
//
// # The fast lane
//
// (*Server).Serve and ListenAndServe read each plain-HTTP connection
// themselves first: a GET or HEAD of a version or of /schemas, in a head of
// the strict form parseFast takes, is answered from the cache in one write,
// without net/http's goroutine, context and allocations per request. Any
// other request goes to net/http with the bytes read, and the connection
// with it; the answers are the same bytes. The package-level Serve and
// ListenAndServe serve any handler with net/http alone.
package server
