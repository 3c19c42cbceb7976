// Package compat diffs two versions of a schema and judges the changes:
// each difference is a Change of a known kind, backward or forward
// compatible or neither, and the result says whether the compatibility
// mode holds and which version bump the changes require.
//
//	res := compat.Diff(old, new, compat.DiffOptions{Mode: document.ModeBackward})
//	// res.Compatible, res.Bump, res.Changes
//
// It holds the rules of every change kind and their messages, the policies
// for open content models and the walk that compares two schemas. Each
// kind has a golden case in testdata/breaking/<kind>.
//
// It imports document and semver; compiler, the server and the site import
// it, and the render package prints its results.
package compat
