package confluent

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// Content types Confluent's API speaks.
const (
	ContentType     = "application/vnd.schemaregistry.v1+json"
	ContentTypeJSON = "application/json"
)

// DefaultPrefix is where schemareg serve mounts the API.
const DefaultPrefix = "/confluent"

// Defaults of the Options.
const (
	DefaultCallTimeout = 5 * time.Second
	DefaultMaxBody     = 1 << 20
	DefaultMaxAge      = 60 * time.Second
)

// Naming says how a subject is named after a schema id.
type Naming string

// The namings: the id itself, or the id with "-value" as Confluent's
// TopicNameStrategy names a topic's value schema.
const (
	NamingID    Naming = "id"
	NamingValue Naming = "id-value"
)

// ParseNaming parses a naming: "id" (the default, also "") or "id-value".
func ParseNaming(s string) (Naming, error) {
	switch Naming(s) {
	case "", NamingID:
		return NamingID, nil
	case NamingValue:
		return NamingValue, nil
	}
	return "", fmt.Errorf("subject naming %q: want %q or %q", s, NamingID, NamingValue)
}

// Options are the API's settings; New replaces zero values with defaults.
type Options struct {
	// Keys is the etcd layout to read.
	Keys etcdstore.Keys
	// Naming names subjects; "" is NamingID.
	Naming Naming
	// CallTimeout bounds each etcd call.
	CallTimeout time.Duration
	// MaxBody bounds a request body.
	MaxBody int64
	// MaxAge is the Cache-Control max-age of answers that can change.
	MaxAge time.Duration
	// Policy is the compatibility policy of verdicts; "" is LENIENT.
	Policy compat.Policy
}

// API answers Confluent's REST API from etcd. It is safe for concurrent use.
type API struct {
	logger *slog.Logger
	opts   Options
	reader *reader
}

// New returns the API over the registry kv holds.
func New(kv clientv3.KV, logger *slog.Logger, opts Options) *API {
	if opts.Naming == "" {
		opts.Naming = NamingID
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = DefaultCallTimeout
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = DefaultMaxAge
	}
	if opts.Policy == "" {
		opts.Policy = compat.PolicyLenient
	}
	return &API{logger: logger, opts: opts, reader: &reader{kv: kv, keys: opts.Keys, timeout: opts.CallTimeout}}
}

// Register adds every route of the API under prefix through mount, one
// pattern per route, so that a server's per-route metrics name each one.
// (*server.Server).Mount is such a mount.
func (a *API) Register(prefix string, mount func(pattern string, h http.Handler)) {
	prefix = strings.TrimSuffix(prefix, "/")
	for _, rt := range a.routes() {
		method, path, _ := strings.Cut(rt.pattern, " ")
		mount(method+" "+prefix+path, rt.handler)
	}
	mount(prefix+"/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.writeError(w, r, errorf(http.StatusNotFound, CodeRouteNotFound, "no route for %s %s", r.Method, clip(r.URL.Path)))
	}))
}

// Handler returns the API alone, under prefix.
func (a *API) Handler(prefix string) http.Handler {
	mux := http.NewServeMux()
	a.Register(prefix, func(pattern string, h http.Handler) { mux.Handle(pattern, h) })
	return mux
}

type route struct {
	pattern string
	handler http.HandlerFunc
}

func (a *API) routes() []route {
	return []route{
		{"GET /subjects", a.handleSubjects},
		{"GET /subjects/{s}/versions", a.handleSubjectVersions},
		{"GET /subjects/{s}/versions/{v}", a.handleVersion},
		{"GET /subjects/{s}/versions/{v}/schema", a.handleVersionSchema},
		{"POST /subjects/{s}", a.handleLookup},
		{"POST /subjects/{s}/versions", a.handleRegister},
		{"GET /schemas/ids/{id}", a.handleByID},
		{"GET /schemas/ids/{id}/schema", a.handleByIDSchema},
		{"GET /schemas/ids/{id}/versions", a.handleByIDVersions},
		{"GET /schemas/ids/{id}/subjects", a.handleByIDSubjects},
		{"GET /schemas/types", a.handleTypes},
		{"GET /config", a.handleConfig},
		{"GET /config/{s}", a.handleSubjectConfig},
		{"GET /mode", a.handleMode},
		{"GET /mode/{s}", a.handleSubjectMode},
		{"POST /compatibility/subjects/{s}/versions/{v}", a.handleCompatibility},
		{"POST /compatibility/subjects/{s}/versions", a.handleCompatibilityAll},
	}
}

// contentType picks Confluent's type unless the client asks for plain JSON
// only.
func contentType(r *http.Request) string {
	accept := strings.Join(r.Header.Values("Accept"), ",")
	if strings.Contains(accept, "application/json") && !strings.Contains(accept, "application/vnd.schemaregistry") {
		return ContentTypeJSON
	}
	return ContentType
}

// encode is the JSON of an answer: no HTML escaping, no trailing newline.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// write answers v with a strong ETag over its bytes; immutable answers
// (those named by a global id) may be cached for a year.
func (a *API) write(w http.ResponseWriter, r *http.Request, st *state, v any, immutable bool) {
	body, err := encode(v)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType(r))
	h.Set("ETag", `"`+bundle.Digest(body)+`"`)
	h.Set("Vary", "Accept")
	if immutable {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(a.opts.MaxAge/time.Second)))
	}
	if st != nil {
		h.Set("X-Schemareg-Generation", st.generation)
	}
	if etagMatch(r.Header.Values("If-None-Match"), h.Get("ETag")) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func etagMatch(values []string, etag string) bool {
	for _, v := range values {
		for _, t := range strings.Split(v, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == etag || t == "*" {
				return true
			}
		}
	}
	return false
}

// writeError answers err in Confluent's error body.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := asError(err)
	if e.Status >= 500 {
		a.logger.LogAttrs(r.Context(), slog.LevelError, "confluent api", slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	body, _ := encode(e)
	w.Header().Set("Content-Type", contentType(r))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(e.Status)
	w.Write(body)
}
