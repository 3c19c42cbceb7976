package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/schemareg/schemareg/api"
)

// List returns every schema of the registry, sorted by id.
func (c *Client) List(ctx context.Context) ([]api.SchemaEntry, error) {
	u, err := endpoint(c.base, "schemas")
	if err != nil {
		return nil, fmt.Errorf("list schemas: %w", err)
	}
	cl := &call{method: http.MethodGet, url: u, accept: typeJSON, cache: true}
	rep, err := c.read(ctx, cl, c.mirrorList)
	if err != nil {
		return nil, fmt.Errorf("list schemas: %w", err)
	}
	var l api.SchemaList
	if err := decodeJSON(rep.body, &l); err != nil {
		return nil, fmt.Errorf("list schemas: %w", err)
	}
	return l.Schemas, nil
}

// ListPage returns a page of the registry's schemas, sorted by id: at most
// limit (1 to api.MaxPage) of those whose ids sort after after, "" for the
// first page. next is the after of the next page, "" on the last one. From
// the mirror, which holds the whole list, the page is cut from it.
//
//	for after := ""; ; {
//		page, next, err := c.ListPage(ctx, after, 500)
//		...
//		if next == "" {
//			break
//		}
//		after = next
//	}
func (c *Client) ListPage(ctx context.Context, after string, limit int) (page []api.SchemaEntry, next string, err error) {
	if limit < 1 || limit > api.MaxPage {
		return nil, "", fmt.Errorf("list schemas: limit %d is not from 1 to %d", limit, api.MaxPage)
	}
	u, err := endpoint(c.base, "schemas")
	if err != nil {
		return nil, "", fmt.Errorf("list schemas: %w", err)
	}
	q := url.Values{"limit": {strconv.Itoa(limit)}}
	if after != "" {
		q.Set("after", after)
	}
	u += "?" + q.Encode()
	fromMirror := func(ctx context.Context) (*reply, error) {
		rep, err := c.mirrorList(ctx)
		if err != nil {
			return nil, err
		}
		var l api.SchemaList
		if err := decodeJSON(rep.body, &l); err != nil {
			return nil, err
		}
		body, err := json.Marshal(api.Page(l.Schemas, after, limit))
		if err != nil {
			return nil, err
		}
		return &reply{body: body, ctype: typeJSON}, nil
	}
	rep, err := c.read(ctx, &call{method: http.MethodGet, url: u, accept: typeJSON, cache: true}, fromMirror)
	if err != nil {
		return nil, "", fmt.Errorf("list schemas: %w", err)
	}
	var l api.SchemaList
	if err := decodeJSON(rep.body, &l); err != nil {
		return nil, "", fmt.Errorf("list schemas: %w", err)
	}
	return l.Schemas, l.Next, nil
}

// Versions returns every version of a schema, oldest first: the last one
// is the latest. A version's Deps are the pins GetBundled embeds.
func (c *Client) Versions(ctx context.Context, id string) ([]api.VersionEntry, error) {
	u, err := endpoint(c.base, "schema", id, "versions")
	if err != nil {
		return nil, fmt.Errorf("list versions of %s: %w", id, err)
	}
	cl := &call{method: http.MethodGet, url: u, accept: typeJSON, cache: true}
	rep, err := c.read(ctx, cl, func(ctx context.Context) (*reply, error) { return c.mirrorVersions(ctx, id) })
	if err != nil {
		return nil, fmt.Errorf("list versions of %s: %w", id, err)
	}
	var l api.VersionList
	if err := decodeJSON(rep.body, &l); err != nil {
		return nil, fmt.Errorf("list versions of %s: %w", id, err)
	}
	return l.Versions, nil
}

// CompatOption configures Compat.
type CompatOption func(url.Values)

// InMode judges under a compatibility mode other than the schema's own,
// e.g. "FULL_TRANSITIVE": what would the change be under it.
func InMode(mode string) CompatOption {
	return func(q url.Values) { q.Set("mode", mode) }
}

// UnderPolicy judges under a compatibility policy other than the
// server's: "LENIENT" or "STRICT".
func UnderPolicy(policy string) CompatOption {
	return func(q url.Values) { q.Set("policy", policy) }
}

// Compat returns the verdict on going from version from to version to of
// a schema (either may be "latest"), under the schema's compatibility
// mode and the server's policy, or those the options name. An unknown
// mode or policy is an *APIError of status 400.
func (c *Client) Compat(ctx context.Context, id, from, to string, opts ...CompatOption) (*api.Compat, error) {
	u, err := endpoint(c.base, "compat", id, from, to)
	if err != nil {
		return nil, fmt.Errorf("compat %s %s..%s: %w", id, from, to, err)
	}
	if len(opts) > 0 {
		q := url.Values{}
		for _, o := range opts {
			o(q)
		}
		u += "?" + q.Encode()
	}
	rep, err := c.fetch(ctx, &call{method: http.MethodGet, url: u, accept: typeJSON, cache: true})
	if err != nil {
		return nil, fmt.Errorf("compat %s %s..%s: %w", id, from, to, err)
	}
	var v api.Compat
	if err := decodeJSON(rep.body, &v); err != nil {
		return nil, fmt.Errorf("compat %s %s..%s: %w", id, from, to, err)
	}
	return &v, nil
}
