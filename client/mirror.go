package client

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/schemareg/schemareg/api"
)

// The static mirror is the api/ folder of the documentation site, whose
// files hold the bytes the server answers to the same reads:
//
//	api/schemas.json                  GET /schemas
//	api/schema/<id>/versions.json     GET /schema/<id>/versions
//	api/schema/<id>/<version>.json    GET /schema/<id>/<version>
//	<id>/<version>.arrow              GET /schema/<id>/<version>/arrow
//
// It has no "latest": the latest version is the last of versions.json.

// read makes a GET that the mirror can answer too, with fromMirror. It
// asks the server first, and the mirror when the server cannot answer;
// for MirrorCooldown after such a fallback, the mirror first and the
// server when the mirror cannot answer. An answer the cache holds as
// immutable is served before either is asked.
func (c *Client) read(ctx context.Context, cl *call, fromMirror func(context.Context) (*reply, error)) (*reply, error) {
	if c.mirror == nil || fromMirror == nil {
		return c.fetch(ctx, cl)
	}
	if rep, ok := c.immutableReply(cl.url); ok {
		return rep, nil
	}
	if c.now().UnixNano() < c.mirrorUntil.Load() {
		rep, merr := fromMirror(ctx)
		if merr == nil || ctx.Err() != nil {
			return rep, merr
		}
		rep, err := c.fetch(ctx, cl)
		if err != nil {
			return nil, fmt.Errorf("%w; mirror: %w", err, merr)
		}
		c.mirrorUntil.Store(0)
		return rep, nil
	}
	rep, err := c.fetch(ctx, cl)
	if err == nil || ctx.Err() != nil || !unreachable(err) {
		return rep, err
	}
	rep, merr := fromMirror(ctx)
	if merr != nil {
		return nil, fmt.Errorf("%w; mirror: %w", err, merr)
	}
	c.mirrorUntil.Store(c.now().Add(MirrorCooldown).UnixNano())
	c.logger.LogAttrs(ctx, slog.LevelWarn, "server unreachable; read the mirror",
		slog.String(logKeyURL, cl.url), slog.String(logKeyMirror, c.mirror.String()), slog.Any(logKeyError, err))
	return rep, nil
}

// mirrorFile reads a file of the mirror.
func (c *Client) mirrorFile(ctx context.Context, accept string, segments ...string) (*reply, error) {
	u, err := endpoint(c.mirror, segments...)
	if err != nil {
		return nil, err
	}
	return c.fetch(ctx, &call{method: http.MethodGet, url: u, accept: accept, cache: true})
}

// mirrorVersions reads api/schema/<id>/versions.json.
func (c *Client) mirrorVersions(ctx context.Context, id string) (*reply, error) {
	return c.mirrorFile(ctx, typeJSON, "api", "schema", id, "versions.json")
}

// mirrorList reads api/schemas.json.
func (c *Client) mirrorList(ctx context.Context) (*reply, error) {
	return c.mirrorFile(ctx, typeJSON, "api", "schemas.json")
}

// mirrorResolve names a version as the mirror does: "latest" becomes the
// last version of versions.json, whose digest it returns too.
func (c *Client) mirrorResolve(ctx context.Context, id, version string) (string, string, error) {
	if version != latest {
		return version, "", nil
	}
	e, err := c.mirrorEntry(ctx, id, latest)
	if err != nil {
		return "", "", err
	}
	return e.Version, e.Digest, nil
}

// mirrorEntry finds a version in the mirror's versions.json; "latest" is
// its last.
func (c *Client) mirrorEntry(ctx context.Context, id, version string) (*api.VersionEntry, error) {
	rep, err := c.mirrorVersions(ctx, id)
	if err != nil {
		return nil, err
	}
	var vl api.VersionList
	if err := decodeJSON(rep.body, &vl); err != nil {
		return nil, err
	}
	if version == latest {
		if len(vl.Versions) == 0 {
			return nil, &APIError{Status: http.StatusNotFound, Message: fmt.Sprintf("the mirror lists no version of %q", id)}
		}
		return &vl.Versions[len(vl.Versions)-1], nil
	}
	for i := range vl.Versions {
		if vl.Versions[i].Version == version {
			return &vl.Versions[i], nil
		}
	}
	return nil, &APIError{Status: http.StatusNotFound, Message: fmt.Sprintf("the mirror lists no version %q of %q", version, id)}
}

// mirrorVersion reads a version's canonical bytes from the mirror. For
// "latest", the bytes must have the digest versions.json lists.
func (c *Client) mirrorVersion(ctx context.Context, id, version string) (*reply, error) {
	v, digest, err := c.mirrorResolve(ctx, id, version)
	if err != nil {
		return nil, err
	}
	rep, err := c.mirrorFile(ctx, typeSchema+", "+typeJSON, "api", "schema", id, v+".json")
	if err != nil {
		return nil, err
	}
	if digest != "" && digestOf(rep.body) != digest {
		return nil, fmt.Errorf("%s %s from the mirror: %w: versions.json lists %s", id, v, errCorrupt, digest)
	}
	return rep, nil
}

// mirrorBundled reads a version's bundled form from the mirror: its
// .bundled.json when versions.json lists pins for it, else its own bytes.
func (c *Client) mirrorBundled(ctx context.Context, id, version string) (*reply, error) {
	entry, err := c.mirrorEntry(ctx, id, version)
	if err != nil {
		return nil, err
	}
	if len(entry.Deps) == 0 {
		return c.mirrorVersion(ctx, id, entry.Version)
	}
	return c.mirrorFile(ctx, typeSchema+", "+typeJSON, "api", "schema", id, entry.Version+".bundled.json")
}

// mirrorArrow reads a version's Arrow IPC bytes from the mirror.
func (c *Client) mirrorArrow(ctx context.Context, id, version string) (*reply, error) {
	v, _, err := c.mirrorResolve(ctx, id, version)
	if err != nil {
		return nil, err
	}
	return c.mirrorFile(ctx, typeArrow, id, v+".arrow")
}
