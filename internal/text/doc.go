// Package text holds the small text helpers several packages share:
// quoting control characters so that a name prints on one line, and plural
// words.
//
// It imports only the standard library.
package text
