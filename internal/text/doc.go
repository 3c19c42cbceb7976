// Package text holds the small text helpers several packages share:
// quoting control characters so that a name prints on one line, plural
// words, and short forms of hashes and digests.
//
// It imports only the standard library.
package text
