package action

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestNextLink(t *testing.T) {
	tests := []struct{ header, want string }{
		{"", ""},
		{`<https://api.github.com/repositories/1/issues/7/comments?page=2>; rel="next", <https://api.github.com/repositories/1/issues/7/comments?page=5>; rel="last"`,
			"https://api.github.com/repositories/1/issues/7/comments?page=2"},
		{`<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=3>; rel="next"`, "https://api.github.com/x?page=3"},
		{`<https://api.github.com/x?page=1>; rel="first"`, ""},
		{`garbage; rel="next"`, ""},
	}
	for _, tt := range tests {
		if got := nextLink(tt.header); got != tt.want {
			t.Errorf("nextLink(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

func TestRetryWait(t *testing.T) {
	c := NewClient("https://api.github.com", fakeRepo, fakeToken, nil)
	reset := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	tests := []struct {
		name      string
		status    int
		header    http.Header
		body      string
		attempt   int
		wantWait  time.Duration
		wantRetry bool
	}{
		{"BadGateway", 502, nil, "", 1, time.Second, true},
		{"BadGatewayAgain", 502, nil, "", 3, 4 * time.Second, true},
		{"ServiceUnavailableRetryAfter", 503, http.Header{"Retry-After": {"7"}}, "", 1, 7 * time.Second, true},
		{"SecondaryRateLimit", 403, http.Header{"Retry-After": {"30"}}, "", 1, 30 * time.Second, true},
		{"SecondaryRateLimitBody", 403, nil, `{"message":"You have exceeded a secondary rate limit."}`, 1, time.Minute, true},
		{"TooManyRequests", 429, http.Header{"Retry-After": {"2"}}, "", 1, 2 * time.Second, true},
		{"RetryAfterTooLong", 403, http.Header{"Retry-After": {"3600"}}, "", 1, time.Hour, false},
		{"PrimaryRateLimitFarReset", 403, http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {reset}}, "", 1, 0, false},
		{"Forbidden", 403, nil, `{"message":"Resource not accessible by integration"}`, 1, 0, false},
		{"NotFound", 404, nil, "", 1, 0, false},
		{"Unprocessable", 422, nil, "", 1, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Header: tt.header}
			if resp.Header == nil {
				resp.Header = http.Header{}
			}
			wait, retry := c.retryWait(resp, []byte(tt.body), tt.attempt)
			if retry != tt.wantRetry || (retry && wait != tt.wantWait) {
				t.Errorf("retryWait = %v, %v; want %v, %v", wait, retry, tt.wantWait, tt.wantRetry)
			}
		})
	}
}

func TestClientErrors(t *testing.T) {
	f := newFakeGitHub(t)
	t.Run("BadCredentials", func(t *testing.T) {
		c := NewClient(f.srv.URL, fakeRepo, "ghp_wrongTokenValue", nil)
		_, err := c.IssueLabels(t.Context(), fakeNumber)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Status != http.StatusUnauthorized || !strings.Contains(err.Error(), "Bad credentials") {
			t.Fatalf("err %v, want a 401 with GitHub's message", err)
		}
		if strings.Contains(err.Error(), "ghp_wrongTokenValue") {
			t.Error("the token appears in the error")
		}
	})
	t.Run("RefusesForeignLink", func(t *testing.T) {
		var sent []string
		foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sent = append(sent, r.Header.Get("Authorization"))
		}))
		defer foreign.Close()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", "<"+foreign.URL+"/steal?page=2>; rel=\"next\"")
			w.Write([]byte("[]"))
		}))
		defer srv.Close()
		c := NewClient(srv.URL, fakeRepo, fakeToken, nil)
		_, err := c.FindComments(t.Context(), fakeNumber, "marker")
		if err == nil || !strings.Contains(err.Error(), "refusing to follow") || len(sent) != 0 {
			t.Errorf("err %v, %d requests to the other host; want the link refused", err, len(sent))
		}
	})
	t.Run("ContextCanceled", func(t *testing.T) {
		f.setFault(func(r *http.Request, n int) (int, http.Header, string) { return http.StatusBadGateway, nil, "" })
		defer f.setFault(nil)
		c := f.client(t)
		ctx, cancel := context.WithCancel(t.Context())
		c.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
		if _, err := c.IssueLabels(ctx, fakeNumber); !errors.Is(err, context.Canceled) {
			t.Errorf("err %v, want the cancellation", err)
		}
	})
}
