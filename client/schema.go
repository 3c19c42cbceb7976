package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// latest names the latest version.
const latest = "latest"

// Schema is one version of a schema: its canonical bytes as the registry
// serves them, byte for byte, and what names them.
type Schema struct {
	ID      string
	Version string
	// Digest is "sha256:<hex>" of Body, the registry's digest and ETag of
	// the version.
	Digest string
	// ContentType is the media type the answer had, normally
	// "application/schema+json".
	ContentType string
	// Body is the canonical JSON of the document. It is the caller's to
	// keep and modify.
	Body []byte
}

// Decode decodes the document into v, as encoding/json does, with numbers
// decoded into an interface as json.Number so that none loses precision.
func (s *Schema) Decode(v any) error {
	if err := decodeJSON(s.Body, v); err != nil {
		return fmt.Errorf("schema %s %s: %w", s.ID, s.Version, err)
	}
	return nil
}

// GetSchema returns the latest version of a schema. It is
// GetVersion(ctx, id, "latest").
func (c *Client) GetSchema(ctx context.Context, id string) (*Schema, error) {
	return c.GetVersion(ctx, id, latest)
}

// GetVersion returns one version of a schema, "latest" included. A version
// named by its number never changes, and once cached is served without a
// request. A 404 is an *APIError that errors.Is matches to ErrNotFound.
func (c *Client) GetVersion(ctx context.Context, id, version string) (*Schema, error) {
	s, err := c.getVersion(ctx, id, version)
	if err != nil {
		return nil, fmt.Errorf("get schema %s %s: %w", id, version, err)
	}
	return s, nil
}

// GetBundled returns one version of a schema as one self-contained
// document: every schema it refers to is embedded at the version it is
// pinned to, so any JSON Schema validator checks data against it exactly
// as the registry does, with no further fetch. Like the version, it never
// changes. A version that refers to no other schema is its own bundled form.
func (c *Client) GetBundled(ctx context.Context, id, version string) (*Schema, error) {
	s, err := c.getForm(ctx, id, version, true)
	if err != nil {
		return nil, fmt.Errorf("get bundled schema %s %s: %w", id, version, err)
	}
	return s, nil
}

func (c *Client) getVersion(ctx context.Context, id, version string) (*Schema, error) {
	return c.getForm(ctx, id, version, false)
}

func (c *Client) getForm(ctx context.Context, id, version string, bundled bool) (*Schema, error) {
	segments := []string{"schema", id, version}
	if version == latest {
		segments = segments[:2]
	}
	u, err := endpoint(c.base, segments...)
	if err != nil {
		return nil, err
	}
	mirror := func(ctx context.Context) (*reply, error) { return c.mirrorVersion(ctx, id, version) }
	if bundled {
		u += "?resolve=bundled"
		mirror = func(ctx context.Context) (*reply, error) { return c.mirrorBundled(ctx, id, version) }
	}
	cl := &call{method: http.MethodGet, url: u, accept: typeSchema + ", " + typeJSON, cache: true}
	rep, err := c.read(ctx, cl, mirror)
	if err != nil {
		return nil, err
	}
	digest := digestOf(rep.body)
	if tag, ok := etagDigest(rep.etag); ok && tag != digest {
		return nil, fmt.Errorf("%w: the body's digest is %s, its ETag says %s", errCorrupt, digest, tag)
	}
	var head struct {
		ID      string `json:"id"`
		Version string `json:"version"`
	}
	if err := json.Unmarshal(rep.body, &head); err != nil {
		return nil, fmt.Errorf("decode answer: %w", err)
	}
	s := &Schema{ID: head.ID, Version: head.Version, Digest: digest, ContentType: rep.ctype, Body: bytes.Clone(rep.body)}
	if s.ID == "" {
		s.ID = id
	}
	if s.Version == "" && version != latest {
		s.Version = version
	}
	return s, nil
}

// ArrowSchema returns the Arrow schema of a version ("latest" included) as
// Arrow IPC stream bytes, which arrow/ipc readers read (Go:
// ipc.NewReader; C++: arrow::ipc::ReadSchema). A version with no
// top-level properties has none: a 404.
func (c *Client) ArrowSchema(ctx context.Context, id, version string) ([]byte, error) {
	u, err := endpoint(c.base, "schema", id, version, "arrow")
	if err != nil {
		return nil, fmt.Errorf("get arrow schema %s %s: %w", id, version, err)
	}
	cl := &call{method: http.MethodGet, url: u, accept: typeArrow, cache: true}
	rep, err := c.read(ctx, cl, func(ctx context.Context) (*reply, error) { return c.mirrorArrow(ctx, id, version) })
	if err != nil {
		return nil, fmt.Errorf("get arrow schema %s %s: %w", id, version, err)
	}
	if tag, ok := etagDigest(rep.etag); ok && tag != digestOf(rep.body) {
		return nil, fmt.Errorf("get arrow schema %s %s: %w: ETag %s", id, version, errCorrupt, tag)
	}
	return bytes.Clone(rep.body), nil
}

// digestOf returns "sha256:<hex>" of data, as the registry digests.
func digestOf(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// etagDigest returns the digest an ETag of the server names: `"sha256:<hex>"`,
// or its gzip variant `"sha256:<hex>-gz"`, weak or not. It reports false
// for any other ETag, e.g. a CDN's.
func etagDigest(etag string) (string, bool) {
	t := strings.TrimPrefix(etag, "W/")
	if len(t) < 2 || t[0] != '"' || t[len(t)-1] != '"' {
		return "", false
	}
	t = strings.TrimSuffix(t[1:len(t)-1], "-gz")
	hexPart, ok := strings.CutPrefix(t, "sha256:")
	if !ok || len(hexPart) != 2*sha256.Size {
		return "", false
	}
	if _, err := hex.DecodeString(hexPart); err != nil {
		return "", false
	}
	return t, true
}
