// Package site renders a bundle as a static documentation site that a CDN
// serves as it is: every schema, every version, its changelog and the diff
// between consecutive versions, plus a static mirror of the registry's REST
// reads.
//
//	b, err := bundle.Read("build/bundle")
//	if err != nil {
//		return err
//	}
//	stats, err := site.Generate(ctx, b, "build/site", site.Options{
//		Title:   "Market data schemas",
//		BaseURL: "https://schemas.example.com/",
//	})
//
// Generate builds the site in a temporary directory beside the output
// directory and swaps it into place at the end, so a failed run leaves the
// previous site as it was. The same bundle and options always give the same
// bytes: nothing depends on the clock, the machine or map order, and the only
// times shown are the commit times recorded in the bundle.
//
// To serve a generated site, for example under /docs/ in a development
// server, use Handler; every link is relative, so any prefix works:
//
//	mux.Handle("/docs/", http.StripPrefix("/docs", site.Handler(os.DirFS("build/site"))))
//
// # Layout
//
//	index.html                           every schema; search by id, title and field name
//	<id>/index.html                      the latest version and a version selector
//	<id>/<version>/index.html            one version, permanent: fields, example, raw JSON
//	<id>/<version>.json                  the version's canonical bytes (download)
//	<id>/<version>.arrow                 its Arrow IPC schema, when it has one
//	<id>/changelog/index.html            every version with its bump, verdict and changes; refused commits
//	<id>/diff/<from>..<to>/index.html    two consecutive versions, breaking changes marked
//	api/schemas.json                     the static registry mirror (below)
//	api/schema/<id>/versions.json
//	api/schema/<id>/<version>.json
//	404.html, sitemap.xml, _headers, .nojekyll
//	_assets/site.<hash>.css              content-hashed assets
//	_assets/site.<hash>.js
//
// Links are relative and name index.html explicitly, so the site works under
// any prefix and opened from file://. Pages are html/template templates with
// one CSS file and one small script, and fetch nothing from another host.
// The field tables and the line diffs, most of the markup of a large site,
// are written by Go code that escapes every value the way html/template
// does; a template costs a reflective call per value, too slow for a
// registry of thousands of versions. Without JavaScript every page is
// complete; the script adds the search box, copy buttons and keyboard
// handling of the version menu. The search index is JSON built at
// generation time and embedded in index.html, so search works offline and
// from file://.
//
// Everything a schema's author writes, titles, descriptions, property
// names, enum values, patterns, examples, renders as text.
//
// A version page, its raw files and the diff pages only show what cannot
// change once the version is published: the document, its commit, author
// and changes against the version before, and the documents its $refs
// resolved to when it was published: the versions it is pinned to (the
// bundle's deps), or, for a version published before versions recorded
// their pins, the latest version of each referenced schema at that commit
// time. Pages that change with every new version, the
// schema page, the changelog and the index, carry the version selector and
// the "latest" marks.
//
// # Static registry mirror
//
// The mirror files hold the bytes the REST server sends for the same reads,
// so a CDN can answer them without a server:
//
//	api/schema/<id>/<version>.json   the canonical bytes from the bundle, byte for byte
//	api/schema/<id>/<version>.bundled.json
//	                                 a version with pinned dependencies, bundled (?resolve=bundled)
//	api/schema/<id>/versions.json    api.VersionList
//	api/schemas.json                 api.SchemaList
//
// versions.json and schemas.json are encoded by VersionsJSON and SchemasJSON:
// encoding/json with HTML escaping off, no indentation, fields in the order
// below, one trailing newline. Every field is always present but "deps".
//
//	{"id":"ticks_v1","versions":[
//	  {"version":"1.0.0","digest":"sha256:...","commit":"<hash>","time":"2026-01-02T15:04:05Z","bump":"none"},
//	  {"version":"1.1.0",...,"bump":"minor","deps":{"instruments_v1":"1.2.0"}},
//	  ...]}                           versions oldest first, as in the manifest; "deps" only when pinned
//
//	{"schemas":[
//	  {"id":"ticks_v1","latest":"1.1.1","digest":"sha256:<of latest>","title":"...","description":"...",
//	   "deprecated":false,"compatibility":"BACKWARD"},
//	  ...]}                           schemas sorted by id
//
// # Caching
//
// _headers follows the convention of Netlify, Cloudflare Pages and others.
// Assets, version pages, diff pages and raw version files never change once
// written: "public, max-age=31536000, immutable". Everything else (the
// index, schema pages, changelogs, versions.json, schemas.json, the sitemap)
// gets "public, max-age=300". The file states a short default for every path
// first, then the long rules, then the short exceptions the long patterns
// also match; a CDN that lets the later rule win (Netlify) applies exactly
// the classes above. A CDN that joins the values of overlapping rules
// (Cloudflare Pages) sends both max-age directives, and caches then use the
// first, the short one: pages stay fresh, only less cached. Handler applies
// the same classes. Asset names change when the assets change, so a page
// cached before an upgrade of schemareg keeps pointing at the assets it was
// built with only while the CDN still holds them.
//
// The schema ids "index.html" and "sitemap.xml" would name the same path as
// a file of the site; Generate refuses a bundle that has them.
package site
