package text

import "strings"

// Short shortens a commit hash or a digest for display: a "sha256:" digest
// keeps its prefix and 12 hex digits, anything else its first 12 bytes.
func Short(s string) string {
	if hex, ok := strings.CutPrefix(s, "sha256:"); ok && len(hex) > 12 {
		return "sha256:" + hex[:12]
	}
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
