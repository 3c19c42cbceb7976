package server

import (
	"net/http"
	"strings"
)

// corsPost reports whether r is a POST other origins may make: a check of
// data against a schema (POST /schema/{id}/compat), which only reads. The
// write route, POST /schema/{id}, is not open to other origins.
func corsPost(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/schema/")
	if !ok {
		return false
	}
	id, tail, ok := strings.Cut(rest, "/")
	return ok && id != "" && tail == "compat"
}

// corsMethods returns the methods a CORS preflight of r's path allows:
// GET and HEAD, and POST where the path is a check of data.
func (s *Server) corsMethods(r *http.Request) string {
	probe := &http.Request{Method: http.MethodPost, URL: r.URL}
	if corsPost(probe) {
		return "POST"
	}
	return "GET, HEAD"
}
