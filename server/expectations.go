package server

import (
	"context"
	"net/http"

	"github.com/schemareg/schemareg/expectations"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// handleExpectations answers GET /schema/{id}/{version}/expectations: the
// Great Expectations suite derived from the version. Its ETag is the
// digest of its bytes; a version by number is immutable, as its schema is.
func (s *Server) handleExpectations(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	version, err := checkVersion(r.PathValue("version"), true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx := r.Context()
	g, info, err := s.versionNamed(ctx, id, version)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rp, err := s.expectationsRep(ctx, id, info)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.serveVersion(w, r, g, version, rp)
}

// expectationsRep returns a version's suite, ready to send. It is derived
// from the document the server holds parsed, and not cached apart.
func (s *Server) expectationsRep(ctx context.Context, id string, info *etcdstore.VersionInfo) (*rep, error) {
	d, err := s.document(ctx, id, info)
	if err != nil {
		return nil, err
	}
	suite, err := expectations.FromDocument(d.doc)
	if err != nil {
		return nil, err
	}
	data, err := expectations.Encode(suite)
	if err != nil {
		return nil, err
	}
	return newRep(data, typeJSON, ""), nil
}
