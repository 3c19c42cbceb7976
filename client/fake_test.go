package client_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing/fstest"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/schemareg/schemareg/api"
)

// The examples run against fakeRegistry, an http.Handler that answers the
// registry's routes the way the server does (ETags, 304s, the error shape,
// streamed NDJSON) from a fixed ticks_v1 with two versions.

const (
	fakeTicks100 = `{"id":"ticks_v1","version":"1.0.0","title":"Level-1 ticks","type":"object",` +
		`"properties":{"price":{"type":"number","exclusiveMinimum":0},"side":{"type":"string","enum":["B","S"]}},"required":["price","side"]}`
	fakeTicks110 = `{"id":"ticks_v1","version":"1.1.0","title":"Level-1 ticks","type":"object",` +
		`"properties":{"exchange":{"type":"string"},"price":{"type":"number","exclusiveMinimum":0},"side":{"type":"string","enum":["B","S"]}},"required":["price","side"]}`
	fakeVersions = `{"id":"ticks_v1","versions":[` +
		`{"version":"1.0.0","digest":"%d100","commit":"4f2a9c1","time":"2026-01-02T10:00:00Z","bump":"none"},` +
		`{"version":"1.1.0","digest":"%d110","commit":"9be03d7","time":"2026-01-09T10:00:00Z","bump":"minor"}]}` + "\n"
	fakeSchemas = `{"schemas":[{"id":"ticks_v1","latest":"1.1.0","digest":"%d110","title":"Level-1 ticks",` +
		`"description":"","deprecated":false,"compatibility":"BACKWARD"}]}` + "\n"
	fakeCompat = `{"id":"ticks_v1","from":"1.0.0","to":"1.1.0","compatible":true,"bump":"minor","mode":"BACKWARD","policy":"LENIENT",` +
		`"changes":[{"kind":"OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL","path":"#/properties/exchange","line":1,` +
		`"backward":true,"forward":false,"breaking":false,"message":"field \"exchange\": optional property added"}]}` + "\n"
)

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// withDigests fills the %d100 and %d110 of a body.
func withDigests(s string) string {
	return strings.NewReplacer("%d100", digest(fakeTicks100), "%d110", digest(fakeTicks110)).Replace(s)
}

// fakeArrow returns the Arrow IPC bytes of ticks_v1 1.1.0.
func fakeArrow() []byte {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "exchange", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "price", Type: arrow.PrimitiveTypes.Float64},
		{Name: "side", Type: arrow.BinaryTypes.String},
	}, nil)
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(schema))
	w.Close()
	return buf.Bytes()
}

// fakeRegistry returns the handler.
func fakeRegistry() http.Handler {
	docs := map[string]string{"1.0.0": fakeTicks100, "1.1.0": fakeTicks110, "latest": fakeTicks110}
	arrowIPC := fakeArrow()
	mux := http.NewServeMux()
	version := func(w http.ResponseWriter, r *http.Request, v string) {
		doc, ok := docs[v]
		if r.PathValue("id") != "ticks_v1" || !ok {
			fakeError(w, http.StatusNotFound, "not_found", "schema "+r.PathValue("id")+" "+v+" not found")
			return
		}
		serve(w, r, []byte(doc), "application/schema+json", v != "latest")
	}
	mux.HandleFunc("GET /schema/{id}", func(w http.ResponseWriter, r *http.Request) { version(w, r, "latest") })
	mux.HandleFunc("GET /schema/{id}/{version}", func(w http.ResponseWriter, r *http.Request) { version(w, r, r.PathValue("version")) })
	mux.HandleFunc("GET /schema/{id}/versions", func(w http.ResponseWriter, r *http.Request) {
		serve(w, r, []byte(withDigests(fakeVersions)), "application/json", false)
	})
	mux.HandleFunc("GET /schema/{id}/{version}/arrow", func(w http.ResponseWriter, r *http.Request) {
		serve(w, r, arrowIPC, "application/vnd.apache.arrow.stream", r.PathValue("version") != "latest")
	})
	mux.HandleFunc("GET /schemas", func(w http.ResponseWriter, r *http.Request) {
		serve(w, r, []byte(withDigests(fakeSchemas)), "application/json", false)
	})
	mux.HandleFunc("GET /compat/{id}/{from}/{to}", func(w http.ResponseWriter, r *http.Request) {
		serve(w, r, []byte(fakeCompat), "application/json", false)
	})
	mux.HandleFunc("POST /schema/{id}/compat", fakeValidate)
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok","generation":"sha256:5d1c","schemas":1,"watching":true,"etcd":{"status":"ok"}}`+"\n")
	})
	return mux
}

// fakeMirror returns the api/ files of the documentation site of the
// same registry, served as static files.
func fakeMirror() http.Handler {
	return http.FileServerFS(fstest.MapFS{
		"api/schemas.json":                  {Data: []byte(withDigests(fakeSchemas))},
		"api/schema/ticks_v1/versions.json": {Data: []byte(withDigests(fakeVersions))},
		"api/schema/ticks_v1/1.0.0.json":    {Data: []byte(fakeTicks100)},
		"api/schema/ticks_v1/1.1.0.json":    {Data: []byte(fakeTicks110)},
		"ticks_v1/1.1.0.arrow":              {Data: fakeArrow()},
	})
}

// serve answers a GET as the server does: the digest as ETag, 304 when
// If-None-Match names it.
func serve(w http.ResponseWriter, r *http.Request, body []byte, ctype string, immutable bool) {
	etag := `"` + digest(string(body)) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "public, max-age=60")
	if immutable {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Write(body)
}

func fakeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// check validates a row against ticks_v1 the way the server would.
func check(line []byte) []api.DataError {
	var row struct {
		Price *float64 `json:"price"`
		Side  *string  `json:"side"`
	}
	if err := json.Unmarshal(line, &row); err != nil {
		return []api.DataError{{Keyword: "parse", Message: err.Error()}}
	}
	errs := []api.DataError{}
	if row.Price == nil || row.Side == nil {
		errs = append(errs, api.DataError{Keyword: "required", Message: "missing properties 'price', 'side'"})
	}
	if row.Price != nil && *row.Price <= 0 {
		errs = append(errs, api.DataError{Path: "/price", Keyword: "exclusiveMinimum", Message: "must be > 0"})
	}
	if row.Side != nil && *row.Side != "B" && *row.Side != "S" {
		errs = append(errs, api.DataError{Path: "/side", Keyword: "enum", Message: "value must be one of 'B', 'S'"})
	}
	return errs
}

// fakeValidate answers POST /schema/{id}/compat: a Result, or for NDJSON a
// Result line per line, flushed as each line is checked.
func fakeValidate(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("id") != "ticks_v1" {
		fakeError(w, http.StatusNotFound, "not_found", "schema "+r.PathValue("id")+" not found")
		return
	}
	w.Header().Set("X-Schema-Version", "1.1.0")
	result := func(line int, errs []api.DataError) []byte {
		out, _ := json.Marshal(map[string]any{"line": line, "valid": len(errs) == 0, "errors": errs})
		return append(out, '\n')
	}
	if r.Header.Get("Content-Type") != "application/x-ndjson" {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(result(0, check(body)))
		return
	}
	rc := http.NewResponseController(w)
	rc.EnableFullDuplex()
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	sc := bufio.NewScanner(r.Body)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		w.Write(result(n, check(sc.Bytes())))
		rc.Flush()
	}
}
