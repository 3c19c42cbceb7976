package hostile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSlowClientsCutOff checks the server's read deadlines as schemareg
// serve sets them: a client that sends its header one byte a second is
// disconnected after --read-header-timeout, and one that sends its body
// as slowly after --read-timeout. Neither holds a connection open for
// longer than a generous multiple of the timeouts.
func TestSlowClientsCutOff(t *testing.T) {
	needBinary(t)
	addr := freeAddr(t)
	// No etcd is needed: the server answers /health without it.
	p := start(t, t.TempDir(), nil, "serve", "--addr", addr, "--etcd", "http://"+freeAddr(t),
		"--read-header-timeout", "1s", "--read-timeout", "2s")
	waitFor(t, time.Minute, "schemareg serve listening", func() bool {
		code, _ := get(t, nil, "http://"+addr+"/health")
		return code == http.StatusOK
	})

	// trickle sends head, then one byte of rest a second until the server
	// closes the connection or the deadline passes; it returns how many
	// bytes went out and what the server answered.
	trickle := func(t *testing.T, head, rest string) (int, string) {
		t.Helper()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		answer := make(chan string, 1)
		go func() {
			data, _ := io.ReadAll(c) // returns when the server closes
			answer <- string(data)
		}()
		if _, err := io.WriteString(c, head); err != nil {
			t.Fatal(err)
		}
		deadline := time.After(time.Minute)
		sent := 0
		for ; sent < len(rest); sent++ {
			select {
			case got := <-answer:
				return sent, got
			case <-deadline:
				t.Fatalf("the server kept a slow client for a minute after %d bytes", sent)
			case <-time.After(time.Second):
			}
			if _, err := c.Write([]byte{rest[sent]}); err != nil {
				break // closed by the server
			}
		}
		select {
		case got := <-answer:
			return sent, got
		case <-deadline:
			t.Fatalf("the server kept a slow client for a minute after %d bytes", sent)
		}
		return sent, ""
	}

	t.Run("Header", func(t *testing.T) {
		header := strings.Repeat("X-Slow: 1\r\n", 20) + "\r\n"
		sent, got := trickle(t, "GET /health HTTP/1.1\r\nHost: registry\r\n", header)
		if sent >= len(header) || strings.Contains(got, "200 OK") {
			t.Errorf("a header sent at a byte a second was read whole (%d bytes): %q", sent, got)
		}
	})
	t.Run("Body", func(t *testing.T) {
		body := `{"symbol": "` + strings.Repeat("a", 60) + `"}`
		sent, got := trickle(t, fmt.Sprintf("POST /schema/ticks_v1/compat HTTP/1.1\r\nHost: registry\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body)), body)
		if sent >= len(body) || strings.Contains(got, "200 OK") {
			t.Errorf("a body sent at a byte a second was read whole (%d bytes): %q", sent, got)
		}
	})
	// The server still serves others.
	if code, _ := get(t, nil, "http://"+addr+"/health"); code != http.StatusOK {
		t.Errorf("GET /health after slow clients: %d\n%s", code, p.Output())
	}
}

// TestRequestLimits checks the limits of what a request may carry, as
// schemareg serve enforces them: the body (--max-body), an NDJSON line
// (--max-body) and batch (--max-batch), the checks one data document may
// cost (validate.MaxChecks), the header (net/http's 1 MiB) and a page of
// GET /schemas (1000).
func TestRequestLimits(t *testing.T) {
	needBinary(t)
	// heavy_v1 checks each item of an array about 6,000 times: within
	// the limit of a schema, but a document of 2,000 items would take 12
	// million checks.
	var defs []string
	for i := 0; i < 11; i++ {
		defs = append(defs, fmt.Sprintf(`"a%d": {"allOf": [{"$ref": "#/definitions/a%d"}, {"$ref": "#/definitions/a%d"}]}`, i, i+1, i+1))
	}
	heavy := `{"id": "heavy_v1", "version": "1.0.0", "type": "array", "items": {"$ref": "#/definitions/a0"},
  "definitions": {` + strings.Join(defs, ", ") + `, "a11": {"type": "integer"}}}`
	srv := startServer(t, newRepo(t, map[string]string{"schemas/ticks_v1.json": ticks("1.0.0", ""), "schemas/heavy_v1.json": heavy}),
		"--max-body", "8192", "--max-batch", "65536")
	row := `{"symbol": "ACME", "price": 1.5}`
	big := `{"symbol": "` + strings.Repeat("a", 10000) + `", "price": 1}`

	code, body := srv.post(t, "/schema/ticks_v1/compat", "application/json", row)
	if code != http.StatusOK || !strings.Contains(body, `"valid":true`) {
		t.Fatalf("a row within the limits: %d %s", code, body)
	}
	code, body = srv.post(t, "/schema/ticks_v1/compat", "application/json", big)
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(body, `"too_large"`) || !strings.Contains(body, "8192") {
		t.Errorf("a 10 KB body over --max-body 8192: %d %s", code, body)
	}
	code, body = srv.post(t, "/schema/ticks_v1?dry_run=true", "application/json", ticks("1.1.0", `, "x": {"description": "`+strings.Repeat("x", 10000)+`"}`))
	if code != http.StatusRequestEntityTooLarge {
		t.Errorf("a 10 KB schema over --max-body 8192: %d %s", code, body)
	}
	// Without a Content-Length the limit holds as the body is read.
	{
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.base+"/schema/ticks_v1/compat", io.MultiReader(strings.NewReader(big)))
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv.client.CloseIdleConnections()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("a chunked 10 KB body: %d %s", resp.StatusCode, data)
		}
	}

	// An NDJSON line over --max-body is refused alone; the batch goes on.
	code, body = srv.post(t, "/schema/ticks_v1/compat", "application/x-ndjson", row+"\n"+big+"\n"+row+"\n")
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if code != http.StatusOK || len(lines) != 3 || !strings.Contains(lines[1], `"line":2`) || !strings.Contains(lines[1], "8192") || !strings.Contains(lines[2], `"valid":true`) {
		t.Errorf("a batch with a line over --max-body: %d\n%s", code, body)
	}
	// A batch over --max-batch is refused whole when its length is known,
	// and ends with an error line after the lines that fit when it is not.
	batch := strings.Repeat(row+"\n", 2500)
	code, body = srv.post(t, "/schema/ticks_v1/compat", "application/x-ndjson", batch)
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(body, "65536") {
		t.Errorf("an 82 KB batch over --max-batch 65536: %d %s", code, body)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.base+"/schema/ticks_v1/compat", io.MultiReader(strings.NewReader(batch)))
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := srv.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	srv.client.CloseIdleConnections() // the server closes a connection whose body it did not read to its end
	body = string(data)
	if checked := strings.Count(body, `"valid":true`); resp.StatusCode != http.StatusOK || !strings.HasSuffix(body, "}}\n") ||
		!strings.Contains(tail(body, 200), `"too_large"`) || checked == 0 || checked >= 2500 {
		t.Errorf("a streamed 82 KB batch over --max-batch 65536: %d, %d rows checked, ends %q", resp.StatusCode, checked, tail(body, 200))
	}
	code, body = srv.post(t, "/schema/ticks_v1/compat", "application/x-ndjson", strings.Repeat(row+"\n", 100))
	if code != http.StatusOK || strings.Count(body, `"valid":true`) != 100 {
		t.Errorf("a batch within --max-batch: %d %s", code, tail(body, 200))
	}

	// A document too large for its schema's work is refused unchecked, a
	// small one is checked; as one document and as NDJSON lines.
	many := "[" + strings.TrimSuffix(strings.Repeat("1,", 2000), ",") + "]"
	for _, ct := range []string{"application/json", "application/x-ndjson"} {
		code, body = srv.post(t, "/schema/heavy_v1/compat", ct, many+"\n")
		if code != http.StatusOK || !strings.Contains(body, `"keyword":"limit"`) || !strings.Contains(body, "too large to check") {
			t.Errorf("2,000 items of heavy_v1 as %s: %d %s", ct, code, body)
		}
		code, body = srv.post(t, "/schema/heavy_v1/compat", ct, `[1, 2, "x"]`+"\n")
		if code != http.StatusOK || !strings.Contains(body, `"valid":false`) || strings.Contains(body, `"limit"`) {
			t.Errorf("3 items of heavy_v1 as %s: %d %s", ct, code, body)
		}
	}

	t.Run("Header", func(t *testing.T) {
		c, err := net.Dial("tcp", strings.TrimPrefix(srv.base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		go func() {
			io.WriteString(c, "GET /health HTTP/1.1\r\nHost: registry\r\nX-Big: ")
			chunk := strings.Repeat("b", 64<<10)
			for i := 0; i < 32; i++ { // 2 MiB
				if _, err := io.WriteString(c, chunk); err != nil {
					return
				}
			}
			io.WriteString(c, "\r\n\r\n")
		}()
		c.SetReadDeadline(time.Now().Add(time.Minute))
		status, err := bufio.NewReader(c).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			t.Fatal(err)
		}
		if !strings.Contains(status, "431") {
			t.Errorf("a 2 MiB header: %q", status)
		}
	})
	t.Run("Page", func(t *testing.T) {
		for limit, want := range map[string]int{"1000": http.StatusOK, "1": http.StatusOK, "1001": http.StatusBadRequest,
			"100000000000000000000": http.StatusBadRequest, "0": http.StatusBadRequest, "-5": http.StatusBadRequest} {
			if code, body := get(t, srv.client, srv.base+"/schemas?limit="+limit); code != want {
				t.Errorf("GET /schemas?limit=%s: %d %s", limit, code, body)
			}
		}
	})
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// TestSchemaLimits checks the limits of a schema file in a pull request,
// as validate and compile enforce them: each refused file is a problem
// naming the file and the limit, the others pass.
func TestSchemaLimits(t *testing.T) {
	needBinary(t)
	nest := func(n int) string {
		return strings.Repeat(`{"items":`, n) + `{}` + strings.Repeat("}", n)
	}
	chain := func(n int, kw string) string {
		var defs []string
		for i := 0; i < n; i++ {
			defs = append(defs, fmt.Sprintf(`"a%d": {%q: [{"$ref": "#/definitions/a%d"}, {"$ref": "#/definitions/a%d"}]}`, i, kw, i+1, i+1))
		}
		defs = append(defs, fmt.Sprintf(`"a%d": {"type": "string"}`, n))
		return `"definitions": {` + strings.Join(defs, ", ") + `}, "$ref": "#/definitions/a0"`
	}
	refs := func(n int) string {
		var defs []string
		for i := 0; i < n; i++ {
			defs = append(defs, fmt.Sprintf(`"r%d": {"$ref": "#/definitions/r%d"}`, i, i+1))
		}
		defs = append(defs, fmt.Sprintf(`"r%d": {"type": "integer"}`, n))
		return `"definitions": {` + strings.Join(defs, ", ") + `}, "properties": {"x": {"$ref": "#/definitions/r0"}}`
	}
	props := func(n int) string {
		var p []string
		for i := 0; i < n; i++ {
			p = append(p, fmt.Sprintf(`"p%d": {}`, i))
		}
		return `"properties": {` + strings.Join(p, ", ") + `}`
	}
	doc := func(id, fields string) string {
		return `{"id": "` + id + `", "version": "1.0.0", ` + fields + "}\n"
	}
	tests := []struct {
		file, body, want string // want "" when the file passes
	}{
		{"ok_v1.json", doc("ok_v1", `"type": "object"`), ""},
		{"size_v1.json", doc("size_v1", `"description": "`+strings.Repeat("s", 5000)+`"`), "file is larger than the limit of 4096 bytes"},
		{"deep_ok_v1.json", doc("deep_ok_v1", `"items": `+nest(200)), ""},
		{"deep_v1.json", doc("deep_v1", `"items": `+nest(300)), "nesting deeper than 256 levels"},
		{"exponent_v1.json", doc("exponent_v1", `"multipleOf": 1e10000001`), "number exponent out of range"},
		{"digits_v1.json", doc("digits_v1", `"maximum": `+strings.Repeat("9", 1001)), "a number has at most 1000"},
		{"blowup_v1.json", doc("blowup_v1", chain(40, "allOf")), "one value may have to be checked more than 10000 times"},
		{"fanout_v1.json", doc("fanout_v1", chain(20, "anyOf")), "more than 10000 times"},
		{"chain_ok_v1.json", doc("chain_ok_v1", refs(100)), ""},
		{"cycle_v1.json", doc("cycle_v1", `"definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}, "properties": {"x": {"$ref": "#/definitions/a"}}`), "$ref cycle"},
		{"props_v1.json", doc("props_v1", props(10001)), "more than 10000 subschemas"},
	}
	files := map[string]string{}
	for _, tt := range tests {
		files["schemas/"+tt.file] = tt.body
	}
	repo := newRepo(t, files)
	check := func(t *testing.T, what, out string) {
		t.Helper()
		for _, tt := range tests {
			var line string
			for _, l := range strings.Split(out, "\n") {
				if strings.Contains(l, "schemas/"+tt.file) {
					line = l
					break
				}
			}
			switch {
			case tt.want == "" && line != "":
				t.Errorf("%s refuses %s: %s", what, tt.file, line)
			case tt.want != "" && !strings.Contains(line, tt.want):
				t.Errorf("%s: %s: got %q, want %q", what, tt.file, line, tt.want)
			}
		}
	}
	// props_v1.json is larger than 4 KB: it is checked with the default
	// --max-bytes; size_v1.json alone with 4 KB.
	r := schemareg(t, repo, nil, "validate", "--max-bytes", "4096", "schemas/size_v1.json", "schemas/ok_v1.json")
	if r.code != 1 || !strings.Contains(r.stdout, "schemas/size_v1.json: file is larger than the limit of 4096 bytes") {
		t.Errorf("validate --max-bytes 4096: exit %d\n%s", r.code, r.output())
	}
	r = schemareg(t, repo, nil, "validate")
	if r.code != 1 {
		t.Errorf("validate: exit %d", r.code)
	}
	tests[1].want = "" // size_v1.json is within the default --max-bytes
	check(t, "validate", r.stdout)
	r = schemareg(t, repo, nil, "compile", "--out", filepath.Join(t.TempDir(), "bundle"))
	if r.code != 1 {
		t.Errorf("compile: exit %d", r.code)
	}
	check(t, "compile", r.output())
	r = schemareg(t, repo, nil, "compile", "--max-bytes", "4096", "--out", filepath.Join(t.TempDir(), "bundle"))
	if !strings.Contains(r.output(), "schemas/size_v1.json: commit") || !strings.Contains(r.output(), "larger than the limit of 4096 bytes") {
		t.Errorf("compile --max-bytes 4096:\n%s", r.output())
	}
}
