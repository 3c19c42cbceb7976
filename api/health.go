package api

// Status is the body of GET /health and GET /ready.
type Status struct {
	// Status is "ok" (health), or "ready", "degraded" (a generation is
	// served from the cache while etcd is unreachable), "unpublished" (etcd
	// answers but no longer holds the generation served: wiped) or
	// "starting" (no generation loaded yet).
	Status string `json:"status"`
	// Problem says what is wrong when Status is "unpublished".
	Problem    string     `json:"problem,omitempty"`
	Generation string     `json:"generation,omitempty"`
	Commit     string     `json:"commit,omitempty"`
	Published  string     `json:"published,omitempty"`
	Schemas    int        `json:"schemas"`
	LoadedAt   string     `json:"loaded_at,omitempty"`
	Watching   bool       `json:"watching"`
	Etcd       EtcdStatus `json:"etcd"`
	Cache      CacheStats `json:"cache"`
	// LastCompile is the last attempt to compile and publish the
	// repository, when the server compiles it (schemareg dev).
	LastCompile *CompileAttempt `json:"last_compile,omitempty"`
}

// CompileAttempt is one attempt to compile the repository and publish
// the bundle. An attempt with an Error published nothing: the generation
// served stays the one before.
type CompileAttempt struct {
	// Commit is the commit compiled, when known.
	Commit string `json:"commit,omitempty"`
	// Error says why the attempt was refused; "" when it published.
	Error string `json:"error,omitempty"`
	// Time is when the attempt ended, RFC 3339 in UTC.
	Time string `json:"time"`
}

// EtcdStatus is what the server knows of etcd.
type EtcdStatus struct {
	// Status is "ok", "unreachable" or "unknown" (not asked yet).
	Status string `json:"status"`
	LastOK string `json:"last_ok,omitempty"`
	Error  string `json:"error,omitempty"`
}

// CacheStats are the figures of the server's cache of etcd reads.
type CacheStats struct {
	Entries   int   `json:"entries"`
	Bytes     int64 `json:"bytes"`
	MaxBytes  int64 `json:"max_bytes"`
	Hits      int64 `json:"hits"`
	Misses    int64 `json:"misses"`
	Evictions int64 `json:"evictions"`
	Stale     int64 `json:"stale_served"`
}
