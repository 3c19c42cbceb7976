package api

import (
	"bytes"
	"encoding/json"
	"sort"
	"time"
)

// MaxPage is the largest page of GET /schemas: its ?limit= goes from 1 to
// MaxPage.
const MaxPage = 1000

// SchemaList is the body of GET /schemas and of the mirror's
// api/schemas.json. Next, only in a page the server answers, is the id to
// pass as ?after= for the next page; it is absent on the last one.
type SchemaList struct {
	Schemas []SchemaEntry `json:"schemas"`
	Next    string        `json:"next,omitempty"`
}

// SchemaEntry is one schema in a SchemaList, with its latest version.
type SchemaEntry struct {
	ID     string `json:"id"`
	Latest string `json:"latest"`
	// Digest is the latest version's digest.
	Digest      string `json:"digest"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Deprecated  bool   `json:"deprecated"`
	// Compatibility is the schema's compatibility mode, e.g. "BACKWARD".
	Compatibility string `json:"compatibility"`
}

// Page cuts a page from every schema, sorted by id: at most limit of those
// whose ids sort after after, with Next set when more follow.
func Page(all []SchemaEntry, after string, limit int) SchemaList {
	i := sort.Search(len(all), func(i int) bool { return all[i].ID > after })
	j := min(i+limit, len(all))
	p := SchemaList{Schemas: all[i:j]}
	if j < len(all) && j > i {
		p.Next = all[j-1].ID
	}
	return p
}

// VersionList is the body of GET /schema/{id}/versions and of the mirror's
// api/schema/<id>/versions.json: every version of a schema, oldest first.
type VersionList struct {
	ID       string         `json:"id"`
	Versions []VersionEntry `json:"versions"`
}

// VersionEntry is one version in a VersionList.
type VersionEntry struct {
	Version string `json:"version"`
	Digest  string `json:"digest"`
	Commit  string `json:"commit"`
	// Time is the commit time, RFC 3339 in UTC, as the bundle holds it (CommitTime parses it).
	Time string `json:"time"`
	// Bump is the bump the version made over the one before: "none" for
	// the first, else "patch", "minor" or "major".
	Bump string `json:"bump"`
	// Deps pins each registry schema the version's $refs reach to the
	// version it was published with: id → version. Absent when it refers
	// to no other schema.
	Deps map[string]string `json:"deps,omitempty"`
}

// CommitTime returns Time parsed.
func (v VersionEntry) CommitTime() (time.Time, error) { return time.Parse(time.RFC3339, v.Time) }

// Encode encodes v as every body the registry builds is encoded: no HTML
// escaping, no indentation, a trailing newline.
func Encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Error is the one shape of an error answer's "error" member:
// {"error": {"code": "not_found", "message": "..."}}. An NDJSON validation
// batch ends with such a line when it stops early.
type Error struct {
	// Code is a stable snake_case name, e.g. "not_found", "bad_request",
	// "rate_limited", "unavailable".
	Code    string `json:"code"`
	Message string `json:"message"`
}
