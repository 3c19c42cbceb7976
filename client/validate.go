package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"

	"github.com/schemareg/schemareg/api"
)

// Result is the verdict on one data document, as the server answers it,
// and the version of the schema that judged it.
type Result struct {
	api.Result
	// Version is the version of the schema that judged the document.
	Version string `json:"-"`
}

// ValidateOption configures Validate and ValidateBatch.
type ValidateOption func(*validateConfig)

type validateConfig struct {
	version string
}

// AtVersion validates against a version of the schema other than the
// latest, e.g. the one the data was written with.
func AtVersion(version string) ValidateOption {
	return func(c *validateConfig) { c.version = version }
}

// validateURL returns the URL of POST /schema/{id}/compat.
func (c *Client) validateURL(id string, opts []ValidateOption) (string, string, error) {
	cfg := validateConfig{version: latest}
	for _, o := range opts {
		o(&cfg)
	}
	u, err := endpoint(c.base, "schema", id, "compat")
	if err != nil {
		return "", "", err
	}
	if cfg.version != latest {
		if cfg.version == "" {
			return "", "", errors.New("invalid version \"\"")
		}
		u += "?version=" + url.QueryEscape(cfg.version)
	}
	return u, cfg.version, nil
}

// Validate checks one data document against the latest version of a
// schema, or the one AtVersion names. doc is JSON as []byte or
// json.RawMessage, or any value encoding/json encodes. An invalid document
// is a Result, not an error. Validate changes nothing on the server, and is
// retried as reads are.
func (c *Client) Validate(ctx context.Context, id string, doc any, opts ...ValidateOption) (*Result, error) {
	u, version, err := c.validateURL(id, opts)
	if err != nil {
		return nil, fmt.Errorf("validate against %s %s: %w", id, version, err)
	}
	var body []byte
	switch d := doc.(type) {
	case []byte:
		body = d
	case json.RawMessage:
		body = d
	default:
		if body, err = json.Marshal(doc); err != nil {
			return nil, fmt.Errorf("validate against %s %s: encode document: %w", id, version, err)
		}
	}
	rep, err := c.fetch(ctx, &call{method: http.MethodPost, url: u, accept: typeJSON, ctype: typeJSON, body: body})
	if err != nil {
		return nil, fmt.Errorf("validate against %s %s: %w", id, version, err)
	}
	res := Result{Version: rep.header.Get("X-Schema-Version")}
	if err := decodeJSON(rep.body, &res.Result); err != nil {
		return nil, fmt.Errorf("validate against %s %s: %w", id, version, err)
	}
	return &res, nil
}

// batchLine is one line of the answer to a batch: a Result, or the error
// that ends the batch.
type batchLine struct {
	api.Result
	Error *api.Error `json:"error"`
}

// ValidateBatch checks a batch of data documents, one JSON document per
// line of r (NDJSON), against the latest version of a schema or the one
// AtVersion names. The request is made when the iteration starts; the
// results come as the server checks the lines, while r is still being
// sent, so a batch may be endless. Each Result names its line; blank lines
// have none. An error ends the iteration: the request's, a read error, or
// the server's when it stops the batch (e.g. over its size limit; the
// lines before were checked). When the iteration stops early, the rest of
// r is not read. The batch is retried only when none of r was sent yet.
// Iterate the sequence once.
func (c *Client) ValidateBatch(ctx context.Context, id string, r io.Reader, opts ...ValidateOption) iter.Seq2[Result, error] {
	return func(yield func(Result, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		u, version, err := c.validateURL(id, opts)
		if err == nil && r == nil {
			err = errors.New("no batch to read")
		}
		if err != nil {
			yield(Result{}, fmt.Errorf("validate batch against %s %s: %w", id, version, err))
			return
		}
		cl := &call{method: http.MethodPost, url: u, accept: typeNDJSON, ctype: typeNDJSON, stream: &countedReader{r: r}}
		resp, err := c.open(ctx, cl)
		if err != nil {
			yield(Result{}, fmt.Errorf("validate batch against %s %s: %w", id, version, err))
			return
		}
		defer resp.Body.Close()
		if v := resp.Header.Get("X-Schema-Version"); v != "" {
			version = v
		}
		dec := json.NewDecoder(resp.Body)
		for {
			var line batchLine
			err := dec.Decode(&line)
			switch {
			case err == io.EOF:
				return
			case err != nil && ctx.Err() != nil:
				yield(Result{}, fmt.Errorf("validate batch against %s %s: %w", id, version, ctxError(ctx, err)))
				return
			case err != nil:
				yield(Result{}, fmt.Errorf("validate batch against %s %s: read results: %w", id, version, err))
				return
			case line.Error != nil:
				yield(Result{}, fmt.Errorf("validate batch against %s %s: %w", id, version, streamError(line.Error)))
				return
			}
			if !yield(Result{Result: line.Result, Version: version}, nil) {
				return
			}
		}
	}
}
