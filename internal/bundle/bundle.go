package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path"
	"sort"

	"github.com/schemareg/schemareg/api"
)

// FormatVersion is the version of the bundle format this code reads and writes.
const FormatVersion = 1

// ManifestFile is the name of the manifest inside a bundle directory.
const ManifestFile = "bundle.json"

// Sentinel errors; callers test them with errors.Is.
var (
	// ErrFormat reports a bundle written in a format version this code does not read.
	ErrFormat = errors.New("unsupported bundle format")
	// ErrCorrupt reports a bundle whose files do not match its manifest.
	ErrCorrupt = errors.New("corrupt bundle")
)

// Manifest is bundle.json.
type Manifest struct {
	FormatVersion int         `json:"format_version"`
	Generation    string      `json:"generation"`
	Source        Source      `json:"source"`
	Schemas       []Schema    `json:"schemas"`
	Violations    []Violation `json:"violations"`
	// GlobalIDs is the greatest Version.GlobalID assigned so far; 0 in a
	// bundle written before global ids existed.
	GlobalIDs int `json:"global_ids,omitempty"`
}

// Source names what the bundle was compiled from.
type Source struct {
	// Commit is the hash of the commit the bundle was compiled at.
	Commit string `json:"commit"`
	// Time is that commit's committer time, RFC 3339 in UTC.
	Time string `json:"time"`
	// Dir is the schemas folder inside the repository, e.g. "schemas".
	Dir string `json:"dir"`
	// Commits counts the first-parent commits from the root to Commit.
	Commits int `json:"commits"`
}

// Schema is one schema id and every version of it ever published.
type Schema struct {
	ID string `json:"id"`
	// Path is the file's path in the repository at the compiled commit, or
	// its last path when the file was deleted.
	Path string `json:"path"`
	// Latest is the greatest published version.
	Latest string `json:"latest"`
	// Deprecated is set when the file was deleted: its versions stay published.
	Deprecated bool `json:"deprecated,omitempty"`
	// Compatibility is the schema's compatibility mode, e.g. "BACKWARD".
	Compatibility string `json:"compatibility"`
	// Title and Description are the latest version's annotations.
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	// Deps are the latest version's pins (Version.Deps), so that who
	// depends on a schema is known without reading every version list.
	Deps map[string]string `json:"deps,omitempty"`
	// Versions are ordered by publication, oldest first. They are nil for
	// a schema of a bundle opened with Open until they are loaded.
	Versions []Version `json:"versions"`

	// The encoding of Versions as stored in versions/<id>.json, its digest
	// and length, set by Seal, Read and Open.
	versionsData   []byte
	versionsDigest string
	versionsCount  int
}

// Version is one published version of a schema.
type Version struct {
	Version string `json:"version"`
	// GlobalID is a positive integer naming this (schema, version) across
	// the registry, assigned in history order and never reused; 0 in a
	// bundle written before global ids existed. See docs/confluent.md.
	GlobalID int `json:"global_id,omitempty"`
	// Digest is "sha256:<hex>" of the canonical bytes; the server's ETag.
	Digest string `json:"digest"`
	Size   int    `json:"size"`
	// Path is the file's path in the repository at Commit.
	Path   string `json:"path"`
	Commit string `json:"commit"`
	// Time is the commit time, RFC 3339 in UTC.
	Time   string `json:"time"`
	Author string `json:"author"`
	// Bump is the bump the version made over the one before: "none" for the
	// first version, else "patch", "minor" or "major".
	Bump string `json:"bump"`
	// RequiredBump is the smallest bump the changes allowed.
	RequiredBump string `json:"required_bump"`
	// Compatible reports whether the version is compatible with the one
	// before under the schema's mode.
	Compatible bool `json:"compatible"`
	// Arrow is "sha256:<hex>" of the Arrow IPC schema bytes, when there are any.
	Arrow string `json:"arrow,omitempty"`
	// Changes against the version before, in document order.
	Changes []api.Change `json:"changes"`
	// Deps pins every registry schema the version's $refs reach, directly
	// or transitively, to the version it resolved to when this version was
	// published: id → version. Validation, Arrow and the served bundled
	// form use these versions forever. Nil when it refers to no other
	// schema, or in a bundle written before versions recorded their pins.
	Deps map[string]string `json:"deps,omitempty"`
}

// Violation is a rule of the history that a commit broke. Past violations are
// recorded, not fatal: history cannot be rewritten.
type Violation struct {
	Commit string `json:"commit"`
	Time   string `json:"time"`
	Path   string `json:"path"`
	Line   int    `json:"line,omitempty"`
	ID     string `json:"id,omitempty"`
	// Version is the version the file claimed at that commit.
	Version string `json:"version,omitempty"`
	// Kind is a stable name: "INVALID_BUMP", "VERSION_NOT_INCREASED",
	// "MUTATED_VERSION", "INVALID_SCHEMA", "DUPLICATE_ID", "ID_CHANGED", "SCHEMA_DELETED".
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

// Bundle is a manifest with the files it names, keyed by their slash-separated
// path inside the bundle (SchemaFile, ArrowFile).
type Bundle struct {
	Manifest Manifest
	Files    map[string][]byte
	// Base, when set, is a bundle on disk this one continues: the schemas
	// whose Versions are nil are Base's as they are, and the files missing
	// from Files are in Base. Open sets it; Write then adds only what is new.
	Base *Dir
}

// SchemaFile is the path of a version's canonical JSON inside a bundle.
func SchemaFile(id, version string) string {
	return path.Join("schemas", id, version+".json")
}

// ArrowFile is the path of a version's Arrow IPC schema inside a bundle.
func ArrowFile(id, version string) string {
	return path.Join("schemas", id, version+".arrow")
}

// Digest returns "sha256:<hex>" of data.
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Schema returns the schema with the given id.
func (m *Manifest) Schema(id string) (*Schema, bool) {
	i := sort.Search(len(m.Schemas), func(i int) bool { return m.Schemas[i].ID >= id })
	if i < len(m.Schemas) && m.Schemas[i].ID == id {
		return &m.Schemas[i], true
	}
	return nil, false
}

// Version returns the given version of the schema.
func (s *Schema) Version(v string) (*Version, bool) {
	for i := range s.Versions {
		if s.Versions[i].Version == v {
			return &s.Versions[i], true
		}
	}
	return nil, false
}

// VersionCount returns how many versions the schema has, loaded or not.
func (s *Schema) VersionCount() int {
	if s.Versions != nil {
		return len(s.Versions)
	}
	return s.versionsCount
}
