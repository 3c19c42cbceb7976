package syncer

// Log keys used by this package, so that every record names things the same way.
const (
	LogKeyGeneration = "generation"
	LogKeyRevision   = "revision"
	LogKeyCommit     = "commit"
	LogKeyOp         = "op"
	LogKeyAttempt    = "attempt"
	LogKeyError      = "err"
	LogKeyKey        = "key"
	LogKeyDir        = "dir"
	LogKeySnapshot   = "snapshot"
	LogKeyCount      = "count"
	LogKeyLeader     = "leader"
)
