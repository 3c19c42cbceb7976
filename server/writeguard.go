package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// writer returns who may write with this request, before its body is
// read: a server without Git answers 403 at once, an unauthenticated
// request 401 with a WWW-Authenticate challenge.
func (s *Server) writer(w http.ResponseWriter, r *http.Request, id string) (*Writer, error) {
	if s.git == nil {
		return nil, errorf(ErrForbidden, "this server does not write to Git; open a pull request against the schemas repository "+
			"that changes %s, or POST with ?dry_run=true for the verdict", id)
	}
	wr, err := s.auth.authenticate(r)
	if errors.Is(err, ErrUnauthorized) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="schemareg"`)
	}
	return wr, err
}

// requireJSON refuses a body without a JSON content type: a cross-origin
// page can send text/plain or no type without a CORS preflight, never
// application/json.
func requireJSON(ct string) error {
	if strings.TrimSpace(ct) == "" {
		return errorf(ErrMediaType, "a schema needs \"Content-Type: %s\" (or %s)", typeJSON, typeSchema)
	}
	_, err := mediaKind(ct, false)
	return err
}

// checkIfMatch compares an If-Match header with the ETag of the schema's
// latest version, strongly (RFC 9110): a weak tag never matches, "*"
// matches any latest version, and a schema with none matches nothing.
func (s *Server) checkIfMatch(ctx context.Context, id string, values []string) error {
	g, err := s.current(ctx)
	if err != nil {
		return err
	}
	if _, ok := g.byID[id]; !ok {
		return errorf(ErrPrecondition, "If-Match: schema %q has no published version; send no If-Match to create it", id)
	}
	_, info, err := s.version(ctx, g, id, latest)
	if err != nil {
		return err
	}
	etag := `"` + info.Digest + `"`
	for _, v := range values {
		for v != "" {
			var t string
			t, v, _ = strings.Cut(v, ",")
			t = strings.TrimSpace(t)
			if t == "*" || t == etag || t == `"`+info.Digest+`-gz"` {
				return nil
			}
		}
	}
	return &Error{Kind: ErrPrecondition, Field: "latest", Detail: map[string]string{"version": info.Version, "etag": etag},
		Message: fmt.Sprintf("If-Match does not name the latest version of %s, %s (ETag %s); read it again and rebase the change", id, info.Version, etag)}
}
