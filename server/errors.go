package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// The kinds of error a request can end with; handlers wrap them in an
// *Error and statusOf maps them to HTTP statuses. Callers test them with
// errors.Is.
var (
	// ErrNotFound: no such schema, version or route.
	ErrNotFound = errors.New("not found")
	// ErrBadRequest: bad id or version syntax, a bad parameter or body.
	ErrBadRequest = errors.New("bad request")
	// ErrTooLarge: a body over --max-body, or a batch over --max-batch.
	ErrTooLarge = errors.New("request body too large")
	// ErrMediaType: a body of a content type the route does not take.
	ErrMediaType = errors.New("unsupported media type")
	// ErrMethod: a route that exists, with another method.
	ErrMethod = errors.New("method not allowed")
	// ErrInvalid: a schema document that does not parse or compile.
	ErrInvalid = errors.New("invalid schema")
	// ErrConflict: a new version that is not greater than the latest, or
	// whose bump is smaller than its changes require.
	ErrConflict = errors.New("conflict")
	// ErrForbidden: a write the server is not configured to make.
	ErrForbidden = errors.New("forbidden")
	// ErrUnauthorized: a write without a valid bearer token or client
	// certificate.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrPrecondition: an If-Match that does not name the latest version.
	ErrPrecondition = errors.New("precondition failed")
	// ErrRateLimited: the client is over --rate-limit.
	ErrRateLimited = errors.New("rate limited")
	// ErrUnavailable: etcd cannot be reached and the answer is not cached,
	// or no generation is loaded yet.
	ErrUnavailable = errors.New("registry unavailable")
)

// Error is an error a request ends with: a kind (one of the Err values), a
// message for the client and, for some, a detail sent beside the error
// (the verdict of a refused new version).
type Error struct {
	Kind    error
	Message string
	// Field and Detail, when Field is set, add "Field": Detail to the body.
	Field  string
	Detail any
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the kind.
func (e *Error) Unwrap() error { return e.Kind }

func errorf(kind error, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// unavailable wraps an etcd error: the client learns that etcd is
// unreachable, the log gets the cause.
type unavailable struct{ err error }

func (e *unavailable) Error() string { return "etcd: " + e.err.Error() }

func (e *unavailable) Unwrap() []error { return []error{ErrUnavailable, e.err} }

// statusOf maps an error to its HTTP status and code; it is the only place
// that does.
func statusOf(err error) (int, string) {
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, ErrBadRequest):
		return http.StatusBadRequest, "bad_request"
	case errors.Is(err, ErrTooLarge), errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, "too_large"
	case errors.Is(err, ErrMediaType):
		return http.StatusUnsupportedMediaType, "unsupported_media_type"
	case errors.Is(err, ErrMethod):
		return http.StatusMethodNotAllowed, "method_not_allowed"
	case errors.Is(err, ErrInvalid):
		return http.StatusUnprocessableEntity, "invalid_schema"
	case errors.Is(err, ErrConflict):
		return http.StatusConflict, "conflict"
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden, "forbidden"
	case errors.Is(err, ErrUnauthorized):
		return http.StatusUnauthorized, "unauthorized"
	case errors.Is(err, ErrPrecondition):
		return http.StatusPreconditionFailed, "precondition_failed"
	case errors.Is(err, ErrRateLimited):
		return http.StatusTooManyRequests, "rate_limited"
	case errors.Is(err, bundle.ErrCorrupt):
		return http.StatusInternalServerError, "corrupt"
	case errors.Is(err, ErrUnavailable), errors.Is(err, etcdstore.ErrNotPublished),
		errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "unavailable"
	}
	return http.StatusInternalServerError, "internal"
}

// clientMessage is what the client reads of err: the message of an *Error,
// a generic sentence for everything else, whose cause goes to the log only.
func clientMessage(err error, status int) string {
	var e *Error
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &e):
		return e.Message
	case errors.As(err, &mbe):
		return "request body over " + strconv.FormatInt(mbe.Limit, 10) + " bytes"
	case errors.Is(err, etcdstore.ErrNotPublished):
		return "no bundle is published in etcd yet"
	case status == http.StatusServiceUnavailable:
		return "etcd is unreachable and the answer is not cached; retry later"
	case errors.Is(err, bundle.ErrCorrupt):
		return "the registry data in etcd is corrupt; see the server log"
	}
	return "internal error; see the server log"
}

// WriteError answers err in the server's one error shape, for handlers
// mounted beside its routes: an *Error of one of the Err kinds sets the
// status and the message the client reads.
func (s *Server) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	s.writeError(w, r, err)
}

// writeError answers err in the one error shape. Server errors are logged
// with the request's id.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, code := statusOf(err)
	if status >= 500 {
		s.logger.Error("request failed", LogKeyRequestID, requestID(w), LogKeyRoute, r.Pattern, LogKeyError, err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Del("ETag")
	h.Del("Content-Encoding")
	h.Del("Content-Length")
	switch status {
	case http.StatusServiceUnavailable:
		h.Set("Retry-After", "1")
	case http.StatusTooManyRequests:
		if h.Get("Retry-After") == "" {
			h.Set("Retry-After", "1")
		}
	}
	body := map[string]any{"error": api.Error{Code: code, Message: clientMessage(err, status)}}
	var e *Error
	if errors.As(err, &e) && e.Field != "" {
		body[e.Field] = e.Detail
	}
	data, _ := api.Encode(body)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

// isDataError reports whether err is about what etcd holds rather than
// about reaching it.
func isDataError(err error) bool {
	return errors.Is(err, bundle.ErrCorrupt) || errors.Is(err, etcdstore.ErrNotPublished)
}
