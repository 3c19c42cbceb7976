package server

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// compiledValidator is a validator with the version it checks.
type compiledValidator struct {
	v       *validate.Validator
	id      string
	version string
}

// validator returns the compiled validator of a version, cached by its
// digest and the digests of the schemas its $refs reach.
func (s *Server) validator(ctx context.Context, g *generation, id string, info *etcdstore.VersionInfo) (*compiledValidator, error) {
	d, deps, sig, err := s.withPins(ctx, g, id, info)
	if err != nil {
		return nil, err
	}
	v, err := s.cache.load(ctx, ckey{kind: kindValidator, a: info.Digest, b: sig}, func(context.Context) (any, int64, error) {
		v, err := newRegistry(deps, d).Compile(d.doc)
		if err != nil {
			return nil, 0, err
		}
		return &compiledValidator{v: v, id: id, version: info.Version}, int64(len(d.doc.Canonical))*16 + 4096, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*compiledValidator), nil
}

// bodyKind is how a POST body is read, by its Content-Type.
type bodyKind int

const (
	bodyJSON bodyKind = iota
	bodyNDJSON
)

// mediaKind classifies a Content-Type: JSON ("" included), NDJSON, or an
// ErrMediaType. ndjson says whether the route takes NDJSON.
func mediaKind(ct string, ndjson bool) (bodyKind, error) {
	if ct == "" {
		return bodyJSON, nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil {
		switch mt {
		case typeJSON, typeSchema:
			return bodyJSON, nil
		case typeNDJSON, "application/jsonl", "application/jsonlines", "application/x-jsonlines":
			if ndjson {
				return bodyNDJSON, nil
			}
		}
	}
	want := typeJSON + " or " + typeSchema
	if ndjson {
		want = typeJSON + ", or " + typeNDJSON + " for a batch"
	}
	return 0, errorf(ErrMediaType, "content type %q is not taken here; send %s", ct, want)
}

// readBody reads a whole body of at most limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, errorf(ErrTooLarge, "request body of %d bytes is over the limit of %d", r.ContentLength, limit)
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, errorf(ErrTooLarge, "request body is over the limit of %d bytes", limit)
	}
	if err != nil {
		return nil, errorf(ErrBadRequest, "read request body: %s", bodyErrorMessage(err))
	}
	return data, nil
}

// handleValidate answers POST /schema/{id}/compat: is this data valid
// against the latest version, or ?version=? One JSON document gets one
// Result; an NDJSON batch gets one Result line per line, streamed.
func (s *Server) handleValidate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	version := r.URL.Query().Get("version")
	if version == "" {
		version = latest
	}
	if version, err = checkVersion(version, true); err != nil {
		s.writeError(w, r, err)
		return
	}
	bk, err := mediaKind(r.Header.Get("Content-Type"), true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if bk == bodyNDJSON && r.ContentLength > s.opts.MaxBatch {
		s.writeError(w, r, errorf(ErrTooLarge, "batch of %d bytes is over the limit of %d", r.ContentLength, s.opts.MaxBatch))
		return
	}
	ctx := r.Context()
	g, info, err := s.versionNamed(ctx, id, version)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.validator(ctx, g, id, info)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("X-Schema-Version", info.Version)
	if bk == bodyNDJSON {
		s.validateStream(w, r, v)
		return
	}
	body, err := readBody(w, r, s.opts.MaxBody)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	errs, err := v.v.ValidateJSON(body)
	if err != nil {
		s.writeError(w, r, errorf(ErrBadRequest, "the body is not JSON: %v", err))
		return
	}
	res := api.Result{Valid: true, Errors: errs}
	if len(res.Errors) > 0 {
		res.Valid = false
		s.metrics.rowsRejected.Inc()
	} else {
		res.Errors = []api.DataError{}
	}
	s.metrics.rowsChecked.Inc()
	out, err := api.Encode(res)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h["Content-Type"] = []string{typeJSON}
	h["Cache-Control"] = s.hdr.noStore
	h["Content-Length"] = []string{strconv.Itoa(len(out))}
	w.WriteHeader(http.StatusOK)
	w.Write(out)
}
