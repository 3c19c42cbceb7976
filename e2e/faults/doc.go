// Package faults proves schemareg's guarantees under faults: the schemareg
// binary, built once in TestMain, is driven through processes and HTTP
// while the tests kill it, race it, take etcd members away, compact etcd
// under a watching server and break the S3 endpoint a snapshot goes to.
//
// Each test tries hard to break one promise of docs/guarantees.md and
// checks the state that is left with checkers that read etcd, the bundle
// on disk and the REST API. docs/guarantees.md maps each promise to its tests.
//
//	go test -race ./e2e/faults/                      # the default run, a few minutes at most
//	go test -race -count=10 ./e2e/faults/            # ten runs in a row
//	go test ./e2e/faults/ -run SyncKilled -faults.long # 500 kills instead of 50
//
// The package has no code besides its tests. Every test skips under -short.
package faults
