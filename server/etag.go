package server

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/internal/bundle"
)

// Content types.
const (
	typeSchema = "application/schema+json"
	typeJSON   = "application/json"
	typeNDJSON = "application/x-ndjson"
	typeArrow  = "application/vnd.apache.arrow.stream"
)

// Cache-Control values.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheNone      = "no-store"
)

// gzipMin is the smallest body worth compressing.
const gzipMin = 256

// rep is one representation ready to send: the body and its gzip variant,
// each with its header values encoded once, so that serving it from the
// cache allocates nothing of its own. A rep is immutable once built.
type rep struct {
	body, gz []byte // gz is nil when compression does not pay
	ctype    []string
	etag     []string // strong: `"<digest>"`
	etagGz   []string // `"<digest>-gz"`
	clen     []string
	clenGz   []string
}

// newRep builds a rep. digest is the content's "sha256:<hex>"; "" digests
// body here (lists, verdicts: bytes every replica computes alike).
func newRep(body []byte, ctype, digest string) *rep {
	if digest == "" {
		digest = bundle.Digest(body)
	}
	r := &rep{
		body:  body,
		ctype: []string{ctype},
		etag:  []string{`"` + digest + `"`},
		clen:  []string{strconv.Itoa(len(body))},
	}
	if len(body) >= gzipMin {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		if buf.Len() < len(body) {
			r.gz = buf.Bytes()
			r.etagGz = []string{`"` + digest + `-gz"`}
			r.clenGz = []string{strconv.Itoa(len(r.gz))}
		}
	}
	return r
}

// gzipFor reports whether the gzip variant answers a request whose
// Accept-Encoding lines are acceptEncoding: there is one, and it is taken.
func (r *rep) gzipFor(acceptEncoding []string) bool {
	return r.gz != nil && acceptsGzip(acceptEncoding)
}

// size is what the rep weighs in the cache.
func (r *rep) size() int64 { return int64(len(r.body)+len(r.gz)) + 256 }

// jsonRep encodes v as a JSON rep: no HTML escaping, a trailing newline.
func jsonRep(v any) (*rep, error) {
	data, err := api.Encode(v)
	if err != nil {
		return nil, err
	}
	return newRep(data, typeJSON, ""), nil
}

// headerValues are header values every response shares, built once in
// New: net/http sends a header slice as it is, so one slice serves every
// response that never changes it.
type headerValues struct {
	vary, gzip                          []string
	immutable, short                    []string // Cache-Control of versions; of latest and lists
	noStore, allowOrigin, exposeHeaders []string
}

func newHeaderValues(maxAge int) headerValues {
	return headerValues{
		vary: []string{"Accept-Encoding"}, gzip: []string{"gzip"},
		immutable: []string{cacheImmutable},
		short:     []string{"public, max-age=" + strconv.Itoa(maxAge)},
		noStore:   []string{cacheNone}, allowOrigin: []string{"*"},
		exposeHeaders: []string{"ETag, X-Request-ID"},
	}
}

// serveRep answers a GET or HEAD with rep: gzip when the client takes it,
// 304 when If-None-Match names the variant chosen. cacheControl is one of
// s.hdr's.
func (s *Server) serveRep(w http.ResponseWriter, r *http.Request, rp *rep, cacheControl []string) {
	h := w.Header()
	etag, clen, body := rp.etag, rp.clen, rp.body
	if rp.gz != nil {
		h["Vary"] = s.hdr.vary
	}
	if rp.gzipFor(r.Header["Accept-Encoding"]) {
		etag, clen, body = rp.etagGz, rp.clenGz, rp.gz
		h["Content-Encoding"] = s.hdr.gzip
	}
	h["Etag"] = etag
	h["Cache-Control"] = cacheControl
	if inm, ok := r.Header["If-None-Match"]; ok && etagMatch(inm, etag[0]) {
		delete(h, "Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = rp.ctype
	h["Content-Length"] = clen
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// acceptsGzip reports whether Accept-Encoding takes gzip: a "gzip" (or "*")
// coding whose q is not 0.
func acceptsGzip(values []string) bool {
	for _, v := range values {
		for v != "" {
			var part string
			part, v, _ = strings.Cut(v, ",")
			coding, params, _ := strings.Cut(part, ";")
			coding = strings.TrimSpace(coding)
			if !strings.EqualFold(coding, "gzip") && !strings.EqualFold(coding, "x-gzip") && coding != "*" {
				continue
			}
			return !zeroQ(params)
		}
	}
	return false
}

// zeroQ reports whether parameters say q=0.
func zeroQ(params string) bool {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			return err == nil && q == 0
		}
	}
	return false
}

// etagMatch reports whether an If-None-Match header names etag, with the
// weak comparison RFC 9110 prescribes for it, or is "*".
func etagMatch(values []string, etag string) bool {
	for _, v := range values {
		for v != "" {
			var t string
			t, v, _ = strings.Cut(v, ",")
			t = strings.TrimSpace(t)
			t = strings.TrimPrefix(t, "W/")
			if t == etag || t == "*" {
				return true
			}
		}
	}
	return false
}
