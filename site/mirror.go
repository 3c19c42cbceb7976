package site

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"

	"github.com/schemareg/schemareg/internal/bundle"
)

// SchemaList is api/schemas.json: every schema with its latest version.
type SchemaList struct {
	Schemas []SchemaEntry `json:"schemas"`
}

// SchemaEntry is one schema in SchemaList.
type SchemaEntry struct {
	ID     string `json:"id"`
	Latest string `json:"latest"`
	// Digest is the latest version's digest.
	Digest        string `json:"digest"`
	Title         string `json:"title"`
	Description   string `json:"description"`
	Deprecated    bool   `json:"deprecated"`
	Compatibility string `json:"compatibility"`
}

// VersionList is api/schema/<id>/versions.json: every version of a schema,
// oldest first.
type VersionList struct {
	ID       string         `json:"id"`
	Versions []VersionEntry `json:"versions"`
}

// VersionEntry is one version in VersionList.
type VersionEntry struct {
	Version string `json:"version"`
	Digest  string `json:"digest"`
	Commit  string `json:"commit"`
	Time    string `json:"time"`
	Bump    string `json:"bump"`
}

// SchemasJSON returns the bytes of api/schemas.json for a manifest.
func SchemasJSON(m *bundle.Manifest) ([]byte, error) {
	list := SchemaList{Schemas: make([]SchemaEntry, 0, len(m.Schemas))}
	for i := range m.Schemas {
		s := &m.Schemas[i]
		latest, ok := s.Version(s.Latest)
		if !ok {
			return nil, fmt.Errorf("schemas.json: schema %q: latest %q is not one of its versions", s.ID, s.Latest)
		}
		list.Schemas = append(list.Schemas, SchemaEntry{
			ID:            s.ID,
			Latest:        s.Latest,
			Digest:        latest.Digest,
			Title:         s.Title,
			Description:   s.Description,
			Deprecated:    s.Deprecated,
			Compatibility: s.Compatibility,
		})
	}
	return encodeJSON(list)
}

// VersionsJSON returns the bytes of api/schema/<id>/versions.json for a schema.
func VersionsJSON(s *bundle.Schema) ([]byte, error) {
	list := VersionList{ID: s.ID, Versions: make([]VersionEntry, 0, len(s.Versions))}
	for _, v := range s.Versions {
		list.Versions = append(list.Versions, VersionEntry{
			Version: v.Version,
			Digest:  v.Digest,
			Commit:  v.Commit,
			Time:    v.Time,
			Bump:    v.Bump,
		})
	}
	return encodeJSON(list)
}

// encodeJSON encodes v the way every mirror file is encoded: no HTML
// escaping, no indentation, a trailing newline.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// mirrorSchemasPath is the path of schemas.json.
func mirrorSchemasPath() string { return "api/schemas.json" }

// mirrorVersionsPath is the path of a schema's versions.json.
func mirrorVersionsPath(id string) string { return path.Join("api/schema", id, "versions.json") }

// mirrorVersionPath is the path of a version's canonical bytes in the mirror.
func mirrorVersionPath(id, version string) string {
	return path.Join("api/schema", id, version+".json")
}
