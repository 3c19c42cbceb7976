// Package importrules holds no code: its test checks the import rules of
// the module against the graph `go list -deps -json ./...` reports, and fails
// naming the chain of imports that breaks one.
//
// The rules, one row each in importrules_test.go:
//
//   - the pure layers (compiler/..., internal/bundle, render/..., api) reach
//     neither etcd, gRPC nor the AWS SDK;
//   - client reaches no package of this module but api;
//   - server, syncer, site and action import none of the others, directly
//     or through another package;
//   - the test helpers (internal/etcdtest, internal/gittest,
//     server/internal/testrepo, server/internal/benchserver,
//     e2e/internal/...) are imported by tests only: no package outside e2e
//     imports them in its non-test build.
//
// The dependencies go one way: cmd -> action | server | syncer | site ->
// compiler -> internal/bundle, and everyone -> api.
package importrules
