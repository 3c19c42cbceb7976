package client

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/schemareg/schemareg/api"
)

// ErrNotFound is what errors.Is matches for a 404: no such schema, version
// or Arrow schema.
var ErrNotFound = errors.New("not found")

// errCorrupt marks an answer whose bytes do not match their digest.
var errCorrupt = errors.New("digest mismatch")

// APIError is an answer of the registry that is not a success, decoded from
// its one error shape, {"error": {"code", "message"}}. Code is "" when the
// body had another shape, e.g. a proxy's page; Message is then the start of
// that body or the status text.
type APIError struct {
	// Status is the HTTP status. For an error line that ends an NDJSON
	// batch, whose response was a 200, it is the status its Code stands for.
	Status int
	// Code is the server's error code, e.g. "not_found", "bad_request",
	// "rate_limited", "unavailable".
	Code    string
	Message string

	// retryAfter is the wait a 429 or 503 asked for: 0 when it asked none,
	// -1 when its Retry-After cannot be parsed.
	retryAfter time.Duration
}

// Error returns "<status> <code>: <message>".
func (e *APIError) Error() string {
	code := e.Code
	if code == "" {
		code = strings.ToLower(http.StatusText(e.Status))
	}
	return fmt.Sprintf("%d %s: %s", e.Status, code, e.Message)
}

// Is reports whether the error is ErrNotFound, for a 404.
func (e *APIError) Is(target error) bool {
	return target == ErrNotFound && e.Status == http.StatusNotFound
}

// newAPIError decodes a response that is not a success. now is the clock
// a Retry-After date is measured against.
func newAPIError(resp *http.Response, body []byte, now time.Time) *APIError {
	e := &APIError{Status: resp.StatusCode}
	var b struct {
		Error *api.Error `json:"error"`
	}
	if json.Unmarshal(body, &b) == nil && b.Error != nil {
		e.Code, e.Message = b.Error.Code, b.Error.Message
	} else {
		e.Message = snippet(body)
		if e.Message == "" {
			e.Message = http.StatusText(resp.StatusCode)
		}
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		e.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	}
	return e
}

// streamError is the error line that ends an NDJSON batch early.
func streamError(b *api.Error) *APIError {
	status := http.StatusInternalServerError
	switch b.Code {
	case "bad_request":
		status = http.StatusBadRequest
	case "too_large":
		status = http.StatusRequestEntityTooLarge
	case "unavailable":
		status = http.StatusServiceUnavailable
	}
	return &APIError{Status: status, Code: b.Code, Message: b.Message}
}

// parseRetryAfter parses a Retry-After value, seconds or an HTTP date; 0
// when there is none or it is in the past, -1 when it cannot be parsed.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return -1
		}
		if n > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter + time.Second
		}
		return time.Duration(n) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return -1
	}
	return max(t.Sub(now), 0)
}

// snippet returns the start of a body that is not the error shape, as one
// line of valid UTF-8.
func snippet(body []byte) string {
	const limit = 200
	body = bytes.TrimSpace(body)
	if len(body) > limit {
		body = body[:limit]
		for len(body) > 0 && !utf8.Valid(body) {
			body = body[:len(body)-1]
		}
	}
	return strings.Join(strings.Fields(strings.ToValidUTF8(string(body), "")), " ")
}

// unreachable reports whether err says the server could not answer: a
// connection error, or a 5xx. A mirror may answer instead. Callers check
// their context first: an error of a done context is neither.
func unreachable(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status >= 500
	}
	var ce *tls.CertificateVerificationError
	return !errors.As(err, &ce) && !errors.Is(err, errCorrupt)
}

// retryable reports whether a failed attempt may be repeated: a
// connection error (not a certificate one), a 429, or a 500, 502, 503 or
// 504.
func retryable(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		switch ae.Status {
		case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	return unreachable(err)
}
