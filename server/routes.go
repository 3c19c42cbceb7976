package server

import (
	"net/http"
	"strings"

	"github.com/schemareg/schemareg/compiler/semver"
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
		{"/schema/{id}/{version}/expectations", []string{"GET"}, []http.HandlerFunc{s.handleExpectations}, true},
		{"/schemas", []string{"GET"}, []http.HandlerFunc{s.handleListSchemas}, true},
		{"/compat/{id}/{from}/{to}", []string{"GET"}, []http.HandlerFunc{s.handleCompat}, true},
		{"/events", []string{"GET"}, []http.HandlerFunc{s.handleEvents}, true},
		{"/health", []string{"GET"}, []http.HandlerFunc{s.handleHealth}, true},
		{"/ready", []string{"GET"}, []http.HandlerFunc{s.handleReady}, true},
		{"/metrics", []string{"GET"}, []http.HandlerFunc{s.metrics.serve}, true},
	}
}

// routes registers the route table, and "/" for every path no route has.
func (s *Server) routes() {
	table := s.routeTable()
	// Paths such as /schema/{id}/compat also match /schema/{id}/{version}
	// for the methods they lack: those answer 405 with the literal path's
	// Allow, not the pattern's.
	literal := map[string]string{}
	for _, rt := range table {
		if last, ok := strings.CutPrefix(rt.pattern, "/schema/{id}/"); ok && !strings.ContainsAny(last, "{/") {
			literal[last] = allowOf(rt.methods)
		}
	}
	for _, rt := range table {
		allow := allowOf(rt.methods)
		for i, m := range rt.methods {
			h := rt.handle[i]
			if rt.pattern == "/schema/{id}/{version}" {
				h = s.literalNotAllowed(literal, h)
			}
			s.mux.HandleFunc(m+" "+rt.pattern, h)
		}
		if rt.allow405 {
			h := s.methodNotAllowed(allow)
			if rt.pattern == "/schema/{id}/{version}" {
				h = s.literalNotAllowed(literal, h)
			}
			s.mux.HandleFunc(rt.pattern, h)
		}
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errorf(ErrNotFound, "no route for %s", r.URL.Path))
	})
}

// allowOf returns the Allow header of a route's methods: HEAD with GET,
// and OPTIONS always.
func allowOf(methods []string) string {
	allow := make([]string, 0, len(methods)+2)
	for _, m := range methods {
		allow = append(allow, m)
		if m == http.MethodGet {
			allow = append(allow, http.MethodHead)
		}
	}
	return strings.Join(append(allow, http.MethodOptions), ", ")
}

// literalNotAllowed answers 405 with the literal route's Allow when the
// {version} of the path names one (compat, versions), else calls next.
func (s *Server) literalNotAllowed(literal map[string]string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if allow, ok := literal[r.PathValue("version")]; ok {
			s.methodNotAllowed(allow)(w, r)
			return
		}
		next(w, r)
	}
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
		if _, err := semver.Parse(v); err == nil {
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
