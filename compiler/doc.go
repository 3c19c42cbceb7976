// Package compiler walks the Git history of a schemas folder and judges it:
// Compile replays every commit of a branch's first-parent history and
// returns the bundle the syncer publishes, Check judges the schemas a pull
// request changes against the history of its base. Both return data (a
// CompileResult, a CheckReport with its violations); the render package
// prints them.
//
//	res, err := compiler.Compile(ctx, compiler.CompileOptions{Repo: ".", Ref: "main"})
//	rep, err := compiler.Check(ctx, compiler.CheckOptions{Repo: ".", Base: "origin/main", Head: "HEAD"})
//
// This package holds the history walk only: reading Git (commits, trees,
// blobs, packs), the order and pins of a commit's documents, the rules of
// the history (a version grows by the bump its changes need, a published
// version never changes) and the reports. The layers it builds on are
// packages of their own, each usable without Git:
//
//   - [github.com/schemareg/schemareg/compiler/document]: parsing a schema file
//   - [github.com/schemareg/schemareg/compiler/semver]: versions and bumps
//   - [github.com/schemareg/schemareg/compiler/validate]: compiling documents
//     as a registry, references, cost limits, validating data
//   - [github.com/schemareg/schemareg/compiler/arrowschema]: the Arrow schema of a document
//   - [github.com/schemareg/schemareg/compiler/compat]: the diff of two versions
//     and its compatibility verdict
//
// Imports go one way: compiler imports them all and internal/bundle; none
// of them imports compiler.
package compiler
