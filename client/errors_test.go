package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestAPIError(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"Shape", 404, `{"error":{"code":"not_found","message":"no schema \"x\""}}`, `404 not_found: no schema "x"`},
		{"Detail", 409, `{"error":{"code":"conflict","message":"use 2.0.0"},"verdict":{"id":"x"}}`, `409 conflict: use 2.0.0`},
		{"HTML", 502, "<html>\n  <body>Bad   gateway</body>\n</html>\n", `502 bad gateway: <html> <body>Bad gateway</body> </html>`},
		{"Empty", 504, "", `504 gateway timeout: Gateway Timeout`},
		{"Long", 500, strings.Repeat("é", 150), `500 internal server error: ` + strings.Repeat("é", 100)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAPIError(&http.Response{StatusCode: tt.status, Header: http.Header{}}, []byte(tt.body), testStart)
			if e.Error() != tt.want {
				t.Errorf("Error() = %q, want %q", e.Error(), tt.want)
			}
			if errors.Is(fmt.Errorf("get: %w", e), ErrNotFound) != (tt.status == 404) {
				t.Errorf("errors.Is(ErrNotFound) wrong for %d", tt.status)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{" 3 ", 3 * time.Second},
		{"-1", -1},
		{"soon", -1},
		{"999999999999", MaxRetryAfter + time.Second},
		{testStart.Add(42 * time.Second).Format(http.TimeFormat), 42 * time.Second},
		{testStart.Add(-time.Hour).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, testStart); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	resp := &http.Response{StatusCode: http.StatusBadGateway, Header: http.Header{"Retry-After": {"5"}}}
	if e := newAPIError(resp, nil, testStart); e.retryAfter != 0 {
		t.Errorf("Retry-After read on a 502: %v", e.retryAfter)
	}
}

func TestETagDigest(t *testing.T) {
	hex := strings.Repeat("ab", 32)
	tests := []struct {
		etag, want string
		ok         bool
	}{
		{`"sha256:` + hex + `"`, "sha256:" + hex, true},
		{`"sha256:` + hex + `-gz"`, "sha256:" + hex, true},
		{`W/"sha256:` + hex + `"`, "sha256:" + hex, true},
		{`"sha256:` + hex[2:] + `"`, "", false},
		{`"sha256:` + strings.Repeat("zz", 32) + `"`, "", false},
		{`sha256:` + hex, "", false},
		{`"5e1f-1a2b"`, "", false},
		{``, "", false},
	}
	for _, tt := range tests {
		got, ok := etagDigest(tt.etag)
		if got != tt.want || ok != tt.ok {
			t.Errorf("etagDigest(%q) = %q, %v; want %q, %v", tt.etag, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		err         error
		retry, down bool
	}{
		{&APIError{Status: 429}, true, false},
		{&APIError{Status: 500}, true, true},
		{&APIError{Status: 501}, false, true},
		{&APIError{Status: 503}, true, true},
		{&APIError{Status: 404}, false, false},
		{errors.New("connection refused"), true, true},
		{fmt.Errorf("x: %w", errCorrupt), false, false},
	}
	for _, tt := range tests {
		if retryable(tt.err) != tt.retry || unreachable(tt.err) != tt.down {
			t.Errorf("%v: retryable %v, unreachable %v; want %v, %v", tt.err, retryable(tt.err), unreachable(tt.err), tt.retry, tt.down)
		}
	}
}
