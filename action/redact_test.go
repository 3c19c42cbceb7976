package action

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAPIErrorsNeverShowTheToken checks that an error answer that repeats
// the request's Authorization header, as a proxy's error page may, does
// not carry the token into the error, which the action prints, annotates
// and writes into the step summary.
func TestAPIErrorsNeverShowTheToken(t *testing.T) {
	const token = "ghs_redactTestToken0123456789"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		fmt.Fprintf(w, `{"message":"refused: %s","errors":[{"code":"custom","message":"token %s"}]}`,
			r.Header.Get("Authorization"), strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	}))
	defer srv.Close()
	c := NewClient(srv.URL, "acme/schemas", token, slog.New(slog.NewTextHandler(io.Discard, nil)))
	_, err := c.CreateComment(t.Context(), 7, "body")
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "refused: Bearer ***") {
		t.Errorf("error %q", err)
	}
}
