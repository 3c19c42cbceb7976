package confluent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/internal/bundle"
)

// SchemaRequest is the body of POST /subjects/{s}, POST
// /subjects/{s}/versions and POST /compatibility/....
type SchemaRequest struct {
	Schema     string      `json:"schema"`
	SchemaType string      `json:"schemaType,omitempty"`
	References []Reference `json:"references,omitempty"`
}

// Reference is a schema a request's schema refers to by name.
type Reference struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// ByIDAnswer is GET /schemas/ids/{id}'s answer.
type ByIDAnswer struct {
	SchemaType string      `json:"schemaType"`
	Schema     string      `json:"schema"`
	References []Reference `json:"references,omitempty"`
}

// RegisterAnswer is POST /subjects/{s}/versions's answer.
type RegisterAnswer struct {
	ID int `json:"id"`
}

// CompatibilityAnswer is POST /compatibility/...'s answer.
type CompatibilityAnswer struct {
	IsCompatible bool     `json:"is_compatible"`
	Messages     []string `json:"messages,omitempty"`
}

// byID finds the version a global id in the path names.
func (a *API) byID(r *http.Request) (*state, *version, error) {
	st, err := a.reader.current(r.Context())
	if err != nil {
		return nil, nil, err
	}
	raw := r.PathValue("id")
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return nil, nil, schemaNotFound(raw)
	}
	v, ok := st.byGlobal[n]
	if !ok {
		return nil, nil, schemaNotFound(raw)
	}
	return st, v, nil
}

func (a *API) handleByID(w http.ResponseWriter, r *http.Request) {
	st, v, err := a.byID(r)
	if err == nil {
		var plain []byte
		if plain, err = a.reader.servedSchema(r.Context(), st, v); err == nil {
			a.write(w, r, st, ByIDAnswer{SchemaType: SchemaType, Schema: string(plain), References: a.references(st, v, plain)}, false)
			return
		}
	}
	a.writeError(w, r, err)
}

func (a *API) handleByIDSchema(w http.ResponseWriter, r *http.Request) {
	st, v, err := a.byID(r)
	if err == nil {
		var data []byte
		if data, err = a.reader.servedSchema(r.Context(), st, v); err == nil {
			a.writeRaw(w, r, st, data, true)
			return
		}
	}
	a.writeError(w, r, err)
}

func (a *API) handleByIDVersions(w http.ResponseWriter, r *http.Request) {
	st, v, err := a.byID(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.write(w, r, st, []SubjectVersion{{Subject: a.subjectName(v.subject.id), Version: v.n}}, true)
}

func (a *API) handleByIDSubjects(w http.ResponseWriter, r *http.Request) {
	st, v, err := a.byID(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.write(w, r, st, []string{a.subjectName(v.subject.id)}, true)
}

// writeRaw answers a schema's own bytes, as the /schema routes do.
func (a *API) writeRaw(w http.ResponseWriter, r *http.Request, st *state, data []byte, immutable bool) {
	a.write(w, r, st, json.RawMessage(data), immutable)
}

// readSchema reads and parses a request's schema.
func (a *API) readSchema(w http.ResponseWriter, r *http.Request) (*document.Document, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.opts.MaxBody))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, errorf(http.StatusRequestEntityTooLarge, CodeTooLarge, "request body over %d bytes", a.opts.MaxBody)
		}
		return nil, errorf(http.StatusBadRequest, CodeBadRequest, "read request body: %v", err)
	}
	var req SchemaRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, errorf(http.StatusBadRequest, CodeBadRequest, "request body is not JSON of the form {\"schema\": \"...\", \"schemaType\": \"JSON\"}: %v", err)
	}
	if req.SchemaType != "" && req.SchemaType != SchemaType {
		return nil, errorf(http.StatusUnprocessableEntity, CodeInvalidSchema, "schemaType %s is not served: this registry holds JSON schemas only", clip(req.SchemaType))
	}
	if req.Schema == "" {
		return nil, errorf(http.StatusUnprocessableEntity, CodeInvalidSchema, "request has no schema: send {\"schema\": \"<the JSON schema as a string>\", \"schemaType\": \"JSON\"}")
	}
	d, err := document.ParseSchema("schema", []byte(req.Schema))
	if err != nil {
		return nil, errorf(http.StatusUnprocessableEntity, CodeInvalidSchema, "invalid schema: %v", err)
	}
	return d, nil
}

// published finds the version of sub that d is: the one whose canonical
// bytes are d's, or whose plain JSON Schema, as this API serves it, is d's.
func (a *API) published(ctx context.Context, st *state, sub *subject, d *document.Document) (*version, error) {
	for _, v := range sub.versions {
		if v.info.Digest == d.Digest {
			return v, nil
		}
	}
	want := bundle.Digest(served(d))
	for _, v := range sub.versions {
		plain, err := a.reader.servedSchema(ctx, st, v)
		if err != nil {
			return nil, err
		}
		if bundle.Digest(plain) == want {
			return v, nil
		}
	}
	return nil, nil
}

func (a *API) handleLookup(w http.ResponseWriter, r *http.Request) {
	st, sub, _, err := a.load(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	d, err := a.readSchema(w, r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	v, err := a.published(r.Context(), st, sub, d)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if v == nil {
		a.writeError(w, r, schemaNotFound("under subject '"+r.PathValue("s")+"'"))
		return
	}
	ans, err := a.answer(r, st, v)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.write(w, r, st, ans, false)
}

func (a *API) handleRegister(w http.ResponseWriter, r *http.Request) {
	st, err := a.reader.current(r.Context())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	d, err := a.readSchema(w, r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	name := r.PathValue("s")
	if sub, err := a.subject(st, name); err == nil {
		v, err := a.published(r.Context(), st, sub, d)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		if v != nil {
			a.write(w, r, st, RegisterAnswer{ID: v.info.GlobalID}, false)
			return
		}
	}
	a.writeError(w, r, errorf(http.StatusUnprocessableEntity, CodeReadOnly,
		"this registry is read-only here: schemas are registered through a pull request that adds or changes a file in the schemas folder of its Git repository; subject '%s' has no published version with this content", clip(name)))
}

func (a *API) handleCompatibility(w http.ResponseWriter, r *http.Request) {
	a.compatibility(w, r, false)
}

func (a *API) handleCompatibilityAll(w http.ResponseWriter, r *http.Request) {
	a.compatibility(w, r, true)
}

// compatibility judges a schema against a version (or the latest, with
// all) in the subject's mode; a transitive mode judges it against every
// version up to that one.
func (a *API) compatibility(w http.ResponseWriter, r *http.Request, all bool) {
	st, sub, v, err := a.load(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if all {
		v = sub.versions[len(sub.versions)-1]
	}
	d, err := a.readSchema(w, r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	mode, err := document.ParseMode(modeOf(sub))
	if err != nil {
		mode = document.ModeBackward
	}
	opts := compat.DiffOptions{Mode: mode, Policy: a.opts.Policy}
	old, err := a.document(r, st, v)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	res := compat.Diff(old, d, opts)
	if mode.Transitive() {
		for _, pv := range sub.versions[:v.n-1] {
			pd, err := a.document(r, st, pv)
			if err != nil {
				a.writeError(w, r, err)
				return
			}
			compat.MergeTransitive(&res, compat.Diff(pd, d, opts), pv.info.Version)
		}
	}
	ans := CompatibilityAnswer{IsCompatible: res.Compatible}
	if r.URL.Query().Get("verbose") == "true" {
		ans.Messages = []string{}
		for _, c := range res.Changes {
			if c.Breaking {
				ans.Messages = append(ans.Messages, fmt.Sprintf("%s at %s: %s", c.Kind, c.Path, c.Message))
			}
		}
	}
	a.write(w, r, st, ans, false)
}

func (a *API) document(r *http.Request, st *state, v *version) (*document.Document, error) {
	data, err := a.reader.schema(r.Context(), st, v)
	if err != nil {
		return nil, err
	}
	d, err := document.ParseSchema(v.subject.id, data)
	if err != nil {
		return nil, fmt.Errorf("published version %s of %s: %w", v.info.Version, v.subject.id, err)
	}
	return d, nil
}
