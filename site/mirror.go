package site

import (
	"fmt"
	"path"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/internal/bundle"
)

// SchemasJSON returns the bytes of api/schemas.json for a manifest: an
// api.SchemaList, every schema with its latest version, as the server
// answers GET /schemas.
func SchemasJSON(m *bundle.Manifest) ([]byte, error) {
	list := api.SchemaList{Schemas: make([]api.SchemaEntry, 0, len(m.Schemas))}
	for i := range m.Schemas {
		s := &m.Schemas[i]
		latest, ok := s.Version(s.Latest)
		if !ok {
			return nil, fmt.Errorf("schemas.json: schema %q: latest %q is not one of its versions", s.ID, s.Latest)
		}
		list.Schemas = append(list.Schemas, api.SchemaEntry{
			ID:            s.ID,
			Latest:        s.Latest,
			Digest:        latest.Digest,
			Title:         s.Title,
			Description:   s.Description,
			Deprecated:    s.Deprecated,
			Compatibility: s.Compatibility,
		})
	}
	return api.Encode(list)
}

// VersionsJSON returns the bytes of api/schema/<id>/versions.json for a
// schema: an api.VersionList, every version oldest first, as the server
// answers GET /schema/{id}/versions.
func VersionsJSON(s *bundle.Schema) ([]byte, error) {
	list := api.VersionList{ID: s.ID, Versions: make([]api.VersionEntry, 0, len(s.Versions))}
	for _, v := range s.Versions {
		list.Versions = append(list.Versions, api.VersionEntry{
			Version: v.Version,
			Digest:  v.Digest,
			Commit:  v.Commit,
			Time:    v.Time,
			Bump:    v.Bump,
			Deps:    v.Deps,
		})
	}
	return api.Encode(list)
}

// mirrorSchemasPath is the path of schemas.json.
func mirrorSchemasPath() string { return "api/schemas.json" }

// mirrorVersionsPath is the path of a schema's versions.json.
func mirrorVersionsPath(id string) string { return path.Join("api/schema", id, "versions.json") }

// mirrorVersionPath is the path of a version's canonical bytes in the mirror.
func mirrorVersionPath(id, version string) string {
	return path.Join("api/schema", id, version+".json")
}

// mirrorBundledPath is the mirror file of a version's bundled form, written
// for a version with pinned dependencies: GET /schema/{id}/{version}?resolve=bundled.
func mirrorBundledPath(id, version string) string {
	return path.Join("api/schema", id, version+".bundled.json")
}
