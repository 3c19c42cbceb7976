package site

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// The two cache classes of the site's files.
const (
	// CacheImmutable is the Cache-Control of files that never change once
	// written: assets, version pages, diff pages and raw version files.
	CacheImmutable = "public, max-age=31536000, immutable"
	// CacheShort is the Cache-Control of every other file.
	CacheShort = "public, max-age=300"
)

// headersFile is the name of the CDN header rules in the output.
const headersFile = "_headers"

// headersMarker starts _headers; Generate replaces only a directory whose
// _headers starts with it.
const headersMarker = "# schemareg site:"

// assetsDir holds the content-hashed assets. No schema id starts with "_".
const assetsDir = "_assets"

// cacheControl returns the Cache-Control of the file at name, a slash path
// from the site root.
func cacheControl(name string) string {
	if immutable(name) {
		return CacheImmutable
	}
	return CacheShort
}

// immutable reports whether the file at name never changes once written.
func immutable(name string) bool {
	seg := strings.Split(name, "/")
	switch {
	case seg[0] == assetsDir:
		return len(seg) == 2
	case len(seg) == 4 && seg[0] == "api" && seg[1] == "schema":
		return seg[3] != "versions.json" // api/schema/<id>/<version>.json
	case len(seg) == 2:
		return startsWithDigit(seg[1]) // <id>/<version>.json and .arrow
	case len(seg) == 3:
		return startsWithDigit(seg[1]) && seg[2] == "index.html" // <id>/<version>/
	case len(seg) == 4:
		return seg[1] == "diff" && seg[3] == "index.html" // <id>/diff/<from>..<to>/
	}
	return false
}

// startsWithDigit reports whether s starts like a version: schema ids and
// the site's own names never do.
func startsWithDigit(s string) bool {
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

// securityHeaders are sent with every file.
func securityHeaders(csp string) [][2]string {
	return [][2]string{
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "no-referrer"},
		{"Content-Security-Policy", csp},
	}
}

// contentSecurityPolicy allows only the site's own files, plus the one
// inline style block of 404.html, which must render at any path.
func contentSecurityPolicy(inlineStyle string) string {
	sum := sha256.Sum256([]byte(inlineStyle))
	return "default-src 'none'; script-src 'self'; style-src 'self' 'sha256-" +
		base64.StdEncoding.EncodeToString(sum[:]) +
		"'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// headersRules renders _headers. Rules that come later win where patterns
// overlap, so it lists a short default, the long-lived files, then the
// short-lived files the long patterns also match.
func headersRules(csp string) []byte {
	var b strings.Builder
	b.WriteString(headersMarker + " cache and security headers for CDNs that read _headers.\n")
	b.WriteString("# Assets, version pages, diffs and raw version files never change: cached for a year.\n")
	b.WriteString("# Everything else is cached for five minutes. Where patterns overlap, the later rule wins.\n")
	rule := func(pattern string, headers ...[2]string) {
		b.WriteString(pattern + "\n")
		for _, h := range headers {
			b.WriteString("  " + h[0] + ": " + h[1] + "\n")
		}
	}
	short := [2]string{"Cache-Control", CacheShort}
	long := [2]string{"Cache-Control", CacheImmutable}
	rule("/*", append([][2]string{short}, securityHeaders(csp)...)...)
	for _, p := range []string{
		"/" + assetsDir + "/*",
		"/:id/:version/",
		"/:id/:version/index.html",
		"/:id/diff/*",
		"/:id/:file",
		"/api/schema/:id/:file",
	} {
		rule(p, long)
	}
	for _, p := range []string{
		"/:id/index.html",
		"/:id/changelog/",
		"/:id/changelog/index.html",
		"/api/schemas.json",
		"/api/schema/:id/versions.json",
	} {
		rule(p, short)
	}
	return []byte(b.String())
}
