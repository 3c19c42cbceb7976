package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// Handler serves a generated site from fsys, for example
// os.DirFS("build/site"), with the headers _headers gives each file. A path
// ending in "/" serves its index.html, a directory without the slash
// redirects to it, and an unknown path gets 404.html with status 404. Every
// link of the site is relative, so the handler works under any prefix:
//
//	mux.Handle("/docs/", http.StripPrefix("/docs", site.Handler(fsys)))
func Handler(fsys fs.FS) http.Handler {
	return &handler{fsys: fsys}
}

type handler struct {
	fsys fs.FS
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	name := strings.TrimPrefix(path.Clean(p), "/")
	if strings.HasSuffix(p, "/") {
		name = path.Join(name, "index.html")
	}
	if name == "" || name == "." {
		name = "index.html"
	}
	if !servable(name) {
		h.notFound(w, r)
		return
	}
	fi, err := fs.Stat(h.fsys, name)
	if err != nil {
		h.notFound(w, r)
		return
	}
	if fi.IsDir() {
		// A relative Location: http.Redirect would make it absolute from
		// the path after any StripPrefix, and lose the prefix.
		w.Header().Set("Location", path.Base(name)+"/")
		w.Header().Set("Cache-Control", CacheShort)
		w.WriteHeader(http.StatusMovedPermanently)
		return
	}
	data, err := fs.ReadFile(h.fsys, name)
	if err != nil {
		http.Error(w, "read "+name+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	h.setHeaders(w.Header(), name)
	sum := sha256.Sum256(data)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}

// servable reports whether a name is part of the site a browser may fetch:
// not _headers, not a hidden file.
func servable(name string) bool {
	if !fs.ValidPath(name) || name == headersFile {
		return false
	}
	for _, seg := range strings.Split(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return false
		}
	}
	return true
}

func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	data, err := fs.ReadFile(h.fsys, notFoundPage)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			http.Error(w, "read "+notFoundPage+": "+err.Error(), http.StatusInternalServerError)
			return
		}
		http.NotFound(w, r)
		return
	}
	h.setHeaders(w.Header(), notFoundPage)
	w.WriteHeader(http.StatusNotFound)
	if r.Method != http.MethodHead {
		io.Copy(w, bytes.NewReader(data))
	}
}

func (h *handler) setHeaders(hdr http.Header, name string) {
	hdr.Set("Content-Type", contentType(name))
	hdr.Set("Cache-Control", cacheControl(name))
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	if strings.HasSuffix(name, ".html") {
		if csp := h.csp(); csp != "" {
			hdr.Set("Content-Security-Policy", csp)
		}
	}
}

// csp reads the Content-Security-Policy the generator wrote into _headers,
// so the handler and the CDN send the same one.
func (h *handler) csp() string {
	data, err := fs.ReadFile(h.fsys, headersFile)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Content-Security-Policy: "); ok {
			return v
		}
	}
	return ""
}

// contentType names the media type of a file of the site by its extension.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".json":
		return "application/json"
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".xml":
		return "application/xml; charset=utf-8"
	case ".arrow":
		return "application/vnd.apache.arrow.stream"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}
