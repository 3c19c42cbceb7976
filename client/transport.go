package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"time"
)

// Media types.
const (
	typeJSON   = "application/json"
	typeSchema = "application/schema+json"
	typeNDJSON = "application/x-ndjson"
	typeArrow  = "application/vnd.apache.arrow.stream"
)

// Log keys.
const (
	logKeyURL     = "url"
	logKeyMethod  = "method"
	logKeyAttempt = "attempt"
	logKeyWait    = "wait"
	logKeyError   = "error"
	logKeyMirror  = "mirror"
)

// call is one request, with what it takes to repeat it.
type call struct {
	method, url string
	accept      string
	ctype       string
	body        []byte         // a body that can be sent again
	stream      *countedReader // a body that is sent once
	noRetry     bool
	// cache: the answer is kept by URL and revalidated with If-None-Match.
	cache bool
}

// replayable reports whether the call can be sent again: its body is held
// whole, or none of it was read yet.
func (cl *call) replayable() bool {
	return cl.stream == nil || cl.stream.n.Load() == 0
}

// countedReader counts what is read of a body sent once.
type countedReader struct {
	r io.Reader
	n atomic.Int64
}

func (cr *countedReader) Read(p []byte) (int, error) {
	n, err := cr.r.Read(p)
	cr.n.Add(int64(n))
	return n, err
}

// reply is a successful answer, read whole.
type reply struct {
	body   []byte
	etag   string
	ctype  string
	header http.Header // nil for an answer from the cache
}

// fetch makes a call whose answer is read whole, with retries, through
// the cache when the call allows it. The reply's body must not be
// modified: the cache may share it.
func (c *Client) fetch(ctx context.Context, cl *call) (*reply, error) {
	var cached *entry
	if cl.cache && c.cache != nil {
		if e, ok := c.cache.get(cl.url); ok {
			if e.immutable {
				return e.reply(), nil
			}
			cached = e
		}
	}
	var rep *reply
	err := c.retry(ctx, cl, func() error {
		resp, err := c.roundTrip(ctx, cl, cached)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusNotModified && cached != nil {
			io.Copy(io.Discard, resp.Body)
			rep = cached.reply()
			return nil
		}
		body, err := readAll(resp.Body)
		if err != nil {
			return fmt.Errorf("read body: %w", err)
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return newAPIError(resp, body, c.now())
		}
		rep = &reply{body: body, etag: resp.Header.Get("ETag"), ctype: contentType(resp.Header.Get("Content-Type")), header: resp.Header}
		if cl.cache && c.cache != nil && rep.etag != "" && !noStore(resp.Header) {
			c.cache.put(cl.url, rep, immutable(resp.Header))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// open makes a call whose answer is streamed: the response of a success,
// its body open, after retries.
func (c *Client) open(ctx context.Context, cl *call) (*http.Response, error) {
	var out *http.Response
	err := c.retry(ctx, cl, func() error {
		resp, err := c.roundTrip(ctx, cl, nil)
		if err != nil {
			return err
		}
		if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			out = resp
			return nil
		}
		defer resp.Body.Close()
		body, err := readAll(resp.Body)
		if err != nil {
			return fmt.Errorf("read body: %w", err)
		}
		return newAPIError(resp, body, c.now())
	})
	return out, err
}

// roundTrip sends one attempt of a call; cached, when set, is revalidated.
func (c *Client) roundTrip(ctx context.Context, cl *call, cached *entry) (*http.Response, error) {
	var body io.Reader
	switch {
	case cl.stream != nil:
		// Not an io.Closer: the transport closes a request body, and the
		// caller's reader stays the caller's to close.
		body = cl.stream
	case cl.body != nil:
		body = bytes.NewReader(cl.body)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, cl.url, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.userAgent)
	if cl.accept != "" {
		req.Header.Set("Accept", cl.accept)
	}
	if cl.ctype != "" {
		req.Header.Set("Content-Type", cl.ctype)
	}
	if cached != nil {
		req.Header.Set("If-None-Match", cached.etag)
	}
	return c.hc.Do(req)
}

// retry runs attempt until it succeeds, fails in a way a retry does not
// mend, the retries are used up, or ctx is done.
func (c *Client) retry(ctx context.Context, cl *call, attempt func() error) error {
	for n := 0; ; n++ {
		err := attempt()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctxError(ctx, err)
		}
		if cl.noRetry || n >= c.retries || !retryable(err) || !cl.replayable() {
			return err
		}
		wait, ok := c.wait(n, err)
		if !ok {
			return err
		}
		if dl, ok := ctx.Deadline(); ok && c.now().Add(wait).After(dl) {
			return err
		}
		c.logger.LogAttrs(ctx, slog.LevelDebug, "retrying", slog.String(logKeyMethod, cl.method),
			slog.String(logKeyURL, cl.url), slog.Int(logKeyAttempt, n+1), slog.Duration(logKeyWait, wait), slog.Any(logKeyError, err))
		if serr := c.sleep(ctx, wait); serr != nil {
			return ctxError(ctx, err)
		}
	}
}

// wait returns how long to wait before retry n+1: the Retry-After asked
// for, or an exponential backoff with jitter. It reports false when the
// server asked for more than MaxRetryAfter.
func (c *Client) wait(n int, err error) (time.Duration, bool) {
	var ae *APIError
	if errors.As(err, &ae) && ae.retryAfter > 0 {
		return ae.retryAfter, ae.retryAfter <= MaxRetryAfter
	}
	d := c.maxBackoff
	if n < 30 && c.backoff<<n < c.maxBackoff {
		d = c.backoff << n
	}
	if d <= 1 {
		return d, true
	}
	return d/2 + rand.N(d/2+1), true
}

// ctxError is the error of a call whose context ended; it names the last
// failure too.
func ctxError(ctx context.Context, last error) error {
	if errors.Is(last, ctx.Err()) {
		return last
	}
	return fmt.Errorf("%w (last attempt: %v)", ctx.Err(), last)
}

// decodeJSON decodes a JSON body into v, numbers as json.Number where v
// holds an interface.
func decodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	return nil
}
