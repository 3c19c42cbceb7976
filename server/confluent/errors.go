package confluent

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/schemareg/schemareg/internal/etcdstore"
)

// Confluent's error codes: the HTTP status followed by two digits.
const (
	CodeSubjectNotFound = 40401
	CodeVersionNotFound = 40402
	CodeSchemaNotFound  = 40403
	CodeRouteNotFound   = 404
	CodeMethod          = 405
	CodeTooLarge        = 413
	CodeInvalidSchema   = 42201
	CodeInvalidVersion  = 42202
	CodeReadOnly        = 42205
	CodeBadRequest      = 400
	CodeUnavailable     = 50003
	CodeInternal        = 50001
	CodeNotPublished    = 50002
)

// Error is an answer in Confluent's error body.
type Error struct {
	Status  int    `json:"-"`
	Code    int    `json:"error_code"`
	Message string `json:"message"`
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

func errorf(status, code int, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// unavailable is an etcd call that did not answer.
type unavailable struct{ err error }

func (e *unavailable) Error() string { return "etcd: " + e.err.Error() }
func (e *unavailable) Unwrap() error { return e.err }

// asError turns any error into the answer a client gets.
func asError(err error) *Error {
	var e *Error
	var u *unavailable
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &u):
		return errorf(http.StatusServiceUnavailable, CodeUnavailable, "the registry's store does not answer; retry later")
	case errors.Is(err, etcdstore.ErrNotPublished):
		return errorf(http.StatusServiceUnavailable, CodeNotPublished, "no bundle is published yet; run schemareg sync")
	default:
		return errorf(http.StatusInternalServerError, CodeInternal, "internal error")
	}
}

func subjectNotFound(s string) *Error {
	return errorf(http.StatusNotFound, CodeSubjectNotFound, "Subject '%s' not found.", clip(s))
}

func versionNotFound(s, v string) *Error {
	return errorf(http.StatusNotFound, CodeVersionNotFound, "Version %s not found for subject '%s'.", clip(v), clip(s))
}

func schemaNotFound(what string) *Error {
	return errorf(http.StatusNotFound, CodeSchemaNotFound, "Schema %s not found.", clip(what))
}

// clip shortens what a client sent before it goes into a message.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
