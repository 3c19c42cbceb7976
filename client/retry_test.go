package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetryThenSuccess(t *testing.T) {
	s := newCountedN(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.WriteHeader(http.StatusBadGateway)
			w.Write([]byte("<html>bad gateway</html>"))
			return
		}
		serveBody(w, r, ticks100, typeSchema, "no-cache")
	})
	c, clk := newTestClient(t, s.URL, WithBackoff(time.Second, 8*time.Second))
	got, err := c.GetVersion(t.Context(), "ticks_v1", "1.0.0")
	if err != nil || got.Version != "1.0.0" {
		t.Fatalf("GetVersion: %+v, %v", got, err)
	}
	waits := clk.recorded()
	if s.requests() != 2 || len(waits) != 1 || waits[0] < 500*time.Millisecond || waits[0] > time.Second {
		t.Errorf("%d requests, waits %v; want 2 requests and one wait in [0.5s, 1s]", s.requests(), waits)
	}
}

func TestRetryBounded(t *testing.T) {
	s := newCounted(t, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusInternalServerError, "internal", "internal error; see the server log")
	})
	c, clk := newTestClient(t, s.URL, WithRetries(4), WithBackoff(time.Second, 4*time.Second))
	_, err := c.List(t.Context())
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 500 || ae.Code != "internal" {
		t.Fatalf("List: %v", err)
	}
	waits := clk.recorded()
	if s.requests() != 5 || len(waits) != 4 {
		t.Fatalf("%d requests, %d waits; want 5, 4", s.requests(), len(waits))
	}
	// Exponential with jitter: each wait in [d/2, d], d = 1s, 2s, 4s, 4s.
	for i, d := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second} {
		if waits[i] < d/2 || waits[i] > d {
			t.Errorf("wait %d is %v, want in [%v, %v]", i, waits[i], d/2, d)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		retryAfter func(now time.Time) string
		wantWait   time.Duration // 0: a backoff wait
		wantTries  int
	}{
		{"Seconds429", http.StatusTooManyRequests, func(time.Time) string { return "7" }, 7 * time.Second, 2},
		{"DateTooLong", http.StatusServiceUnavailable, func(now time.Time) string {
			return now.Add(90 * time.Second).Format(http.TimeFormat)
		}, 90 * time.Second, 1},
		{"DateSoon503", http.StatusServiceUnavailable, func(now time.Time) string {
			return now.Add(20 * time.Second).Format(http.TimeFormat)
		}, 20 * time.Second, 2},
		{"TooLong", http.StatusTooManyRequests, func(time.Time) string { return "3600" }, 0, 1},
		{"Unparsable", http.StatusServiceUnavailable, func(time.Time) string { return "soon" }, 0, 2},
		{"None429", http.StatusTooManyRequests, func(time.Time) string { return "" }, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newCountedN(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					if v := tt.retryAfter(testStart); v != "" {
						w.Header().Set("Retry-After", v)
					}
					writeError(w, tt.status, "rate_limited", "slow down")
					return
				}
				serveBody(w, r, ticks100, typeSchema, "no-cache")
			})
			c, clk := newTestClient(t, s.URL, WithBackoff(time.Second, time.Second))
			_, err := c.GetSchema(t.Context(), "ticks_v1")
			waits := clk.recorded()
			if s.requests() != tt.wantTries {
				t.Fatalf("%d requests, want %d (err %v, waits %v)", s.requests(), tt.wantTries, err, waits)
			}
			switch {
			case tt.wantTries == 1:
				if err == nil || len(waits) != 0 {
					t.Errorf("no retry wanted: err %v, waits %v", err, waits)
				}
			case err != nil || len(waits) != 1:
				t.Errorf("err %v, waits %v", err, waits)
			case tt.wantWait != 0 && waits[0] != tt.wantWait:
				t.Errorf("waited %v, want %v", waits[0], tt.wantWait)
			case tt.wantWait == 0 && (waits[0] < 500*time.Millisecond || waits[0] > time.Second):
				t.Errorf("backoff wait %v, want in [0.5s, 1s]", waits[0])
			}
		})
	}
}

func TestRetryDateTooLate(t *testing.T) {
	// The context's deadline is nearer than the wait the server asks for:
	// the error comes at once.
	s := newCounted(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		writeError(w, http.StatusServiceUnavailable, "unavailable", "etcd is unreachable")
	})
	c, clk := newTestClient(t, s.URL)
	clk.t = time.Now() // deadlines are in real time
	ctx, cancel := context.WithDeadline(t.Context(), clk.now().Add(10*time.Second))
	defer cancel()
	_, err := c.GetSchema(ctx, "ticks_v1")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 503 || s.requests() != 1 || len(clk.recorded()) != 0 {
		t.Errorf("err %v after %d requests, waits %v; want the 503 at once", err, s.requests(), clk.recorded())
	}
}

func TestNoRetry(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusNotFound, http.StatusNotImplemented} {
		s := newCounted(t, func(w http.ResponseWriter, r *http.Request) {
			writeError(w, status, "x", "no")
		})
		c, _ := newTestClient(t, s.URL)
		if _, err := c.GetSchema(t.Context(), "ticks_v1"); err == nil || s.requests() != 1 {
			t.Errorf("status %d: %v after %d requests, want 1", status, err, s.requests())
		}
	}
}

func TestRetryConnectionError(t *testing.T) {
	c, clk := newTestClient(t, downURL(t), WithRetries(2))
	_, err := c.Versions(t.Context(), "ticks_v1")
	if err == nil || len(clk.recorded()) != 2 || !strings.HasPrefix(err.Error(), "list versions of ticks_v1: ") {
		t.Errorf("err %v, waits %v; want 2 waits", err, clk.recorded())
	}
}

func TestRetryCanceled(t *testing.T) {
	// The context ends while the client waits to retry.
	s := newCounted(t, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusBadGateway, "", "")
	})
	c, _ := newTestClient(t, s.URL)
	ctx, cancel := context.WithCancel(t.Context())
	c.sleep = func(ctx context.Context, d time.Duration) error {
		cancel()
		<-ctx.Done()
		return ctx.Err()
	}
	_, err := c.GetSchema(ctx, "ticks_v1")
	if !errors.Is(err, context.Canceled) || s.requests() != 1 || !strings.Contains(err.Error(), "502") {
		t.Errorf("err %v after %d requests; want canceled, naming the 502", err, s.requests())
	}
}

func TestRetryPOST(t *testing.T) {
	t.Run("ValidateIsSafe", func(t *testing.T) {
		s := newCountedN(t, func(w http.ResponseWriter, r *http.Request, n int) {
			body, _ := io.ReadAll(r.Body)
			if string(body) != `{"price":1}` {
				t.Errorf("attempt %d sent %q", n, body)
			}
			if n == 1 {
				writeError(w, http.StatusBadGateway, "", "")
				return
			}
			w.Header().Set("X-Schema-Version", "1.1.0")
			w.Write([]byte(`{"valid":true,"errors":[]}`))
		})
		c, _ := newTestClient(t, s.URL)
		res, err := c.Validate(t.Context(), "ticks_v1", map[string]int{"price": 1})
		if err != nil || !res.Valid || res.Version != "1.1.0" || s.requests() != 2 {
			t.Errorf("Validate: %+v, %v after %d requests", res, err, s.requests())
		}
	})
	t.Run("BatchSentIsNot", func(t *testing.T) {
		s := newCounted(t, func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			writeError(w, http.StatusServiceUnavailable, "unavailable", "etcd is unreachable")
		})
		c, clk := newTestClient(t, s.URL)
		var errs []error
		for _, err := range c.ValidateBatch(t.Context(), "ticks_v1", strings.NewReader("{}\n{}\n")) {
			errs = append(errs, err)
		}
		var ae *APIError
		if len(errs) != 1 || !errors.As(errs[0], &ae) || ae.Status != 503 || s.requests() != 1 || len(clk.recorded()) != 0 {
			t.Errorf("errors %v after %d requests; want one 503 and no retry", errs, s.requests())
		}
	})
	t.Run("BatchUnsentIs", func(t *testing.T) {
		// The first attempt fails before any of the body is read.
		s := newCounted(t, func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("Content-Type", typeNDJSON)
			w.Write([]byte(`{"line":1,"valid":true,"errors":[]}` + "\n"))
			if string(body) != "{}\n" {
				t.Errorf("body %q", body)
			}
		})
		var failed atomic.Bool
		hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if !failed.Swap(true) {
				return nil, errors.New("connection refused")
			}
			return http.DefaultTransport.RoundTrip(r)
		})}
		c, clk := newTestClient(t, s.URL, WithHTTPClient(hc))
		var got []Result
		for res, err := range c.ValidateBatch(t.Context(), "ticks_v1", strings.NewReader("{}\n")) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, res)
		}
		if len(got) != 1 || s.requests() != 1 || len(clk.recorded()) != 1 {
			t.Errorf("results %v after %d requests, waits %v", got, s.requests(), clk.recorded())
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
