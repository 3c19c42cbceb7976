package server

import (
	"net/http"
	"strings"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/internal/bundle"
)

// latest names the latest version in a path.
const latest = "latest"

// route is one path of the API and the handler of each of its methods. A
// GET handler answers HEAD too.
type route struct {
	pattern string
	methods []string
	handle  []http.HandlerFunc
	// allow405 registers the path for every other method, answered 405.
	// Go's ServeMux refuses it where it would conflict with a more specific
	// pattern of another route.
	allow405 bool
}

func (s *Server) routeTable() []route {
	return []route{
		{"/schema/{id}", []string{"GET", "POST"}, []http.HandlerFunc{s.handleGetLatest, s.handleCreate}, true},
		{"/schema/{id}/{version}", []string{"GET"}, []http.HandlerFunc{s.handleGetVersion}, true},
		{"/schema/{id}/versions", []string{"GET"}, []http.HandlerFunc{s.handleListVersions}, false},
		{"/schema/{id}/compat", []string{"POST"}, []http.HandlerFunc{s.handleValidate}, false},
		{"/schema/{id}/{version}/arrow", []string{"GET"}, []http.HandlerFunc{s.handleArrow}, true},
		{"/schemas", []string{"GET"}, []http.HandlerFunc{s.handleListSchemas}, true},
		{"/compat/{id}/{from}/{to}", []string{"GET"}, []http.HandlerFunc{s.handleCompat}, true},
		{"/health", []string{"GET"}, []http.HandlerFunc{s.handleHealth}, true},
		{"/ready", []string{"GET"}, []http.HandlerFunc{s.handleReady}, true},
		{"/metrics", []string{"GET"}, []http.HandlerFunc{s.metrics.serve}, true},
	}
}

// routes registers the route table, and "/" for every path no route has.
func (s *Server) routes() {
	for _, rt := range s.routeTable() {
		allow := make([]string, 0, len(rt.methods)+2)
		for i, m := range rt.methods {
			s.mux.HandleFunc(m+" "+rt.pattern, rt.handle[i])
			allow = append(allow, m)
			if m == http.MethodGet {
				allow = append(allow, http.MethodHead)
			}
		}
		allow = append(allow, http.MethodOptions)
		if rt.allow405 {
			s.mux.HandleFunc(rt.pattern, s.methodNotAllowed(strings.Join(allow, ", ")))
		}
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errorf(ErrNotFound, "no route for %s", r.URL.Path))
	})
}

func (s *Server) methodNotAllowed(allow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		s.writeError(w, r, errorf(ErrMethod, "%s is not allowed here; allowed: %s", r.Method, allow))
	}
}

// pathID returns the {id} of the path, checked against the registry's id
// pattern before anything else looks at it.
func pathID(r *http.Request) (string, error) {
	return checkID(r.PathValue("id"))
}

func checkID(id string) (string, error) {
	if !bundle.ValidID(id) {
		if len(id) > 64 {
			id = id[:64] + "..."
		}
		return "", errorf(ErrBadRequest, "invalid schema id %q: an id matches ^[a-z][a-z0-9_.-]{0,127}$", id)
	}
	return id, nil
}

// checkVersion checks a version in a path: a semantic version, or "latest"
// when allowLatest.
func checkVersion(v string, allowLatest bool) (string, error) {
	if v == latest && allowLatest || plainVersion(v) {
		return v, nil
	}
	if len(v) <= 128 {
		if _, err := compiler.ParseVersion(v); err == nil {
			return v, nil
		}
	}
	if len(v) > 64 {
		v = v[:64] + "..."
	}
	return "", errorf(ErrBadRequest, "invalid version %q: a version is a semantic version such as 1.2.3, or latest", v)
}

// plainVersion reports whether v is MAJOR.MINOR.PATCH in digits without
// leading zeros, the common case checkVersion need not parse.
func plainVersion(v string) bool {
	parts, digits := 0, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			if digits == 1 && v[i-1] == '0' {
				return false
			}
			digits++
		case c == '.' && digits > 0 && parts < 2:
			parts, digits = parts+1, 0
		default:
			return false
		}
	}
	return parts == 2 && digits > 0 && len(v) <= 64
}
