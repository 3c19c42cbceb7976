package action

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Log keys.
const (
	LogKeyMethod  = "method"
	LogKeyPath    = "path"
	LogKeyStatus  = "status"
	LogKeyAttempt = "attempt"
	LogKeyWait    = "wait"
)

// maxResponseBytes bounds what the client reads of one response.
const maxResponseBytes = 8 << 20

// Client is a small GitHub REST client for one repository: the label and
// issue-comment endpoints the action uses. It retries server errors and
// rate limits. It is safe for concurrent use.
type Client struct {
	// BaseURL is the REST API's root, e.g. https://api.github.com.
	BaseURL string
	// Repository is "owner/name".
	Repository string
	// HTTP sends the requests; New sets a 30-second timeout.
	HTTP *http.Client
	// MaxAttempts bounds the tries of one request; New sets 4.
	MaxAttempts int
	// Backoff is the wait before the first retry of a server error; it
	// doubles on each further one. New sets one second.
	Backoff time.Duration
	// MaxWait is the longest wait the client accepts for a rate limit;
	// a longer one fails the request. New sets two minutes.
	MaxWait time.Duration
	// Sleep waits d or until ctx ends; New sets a timer-based one.
	Sleep func(ctx context.Context, d time.Duration) error

	token  string
	logger *slog.Logger
}

// NewClient returns a client for repository ("owner/name") at the API root
// baseURL that authenticates with token. The token is sent only to baseURL's
// host and never logged.
func NewClient(baseURL, repository, token string, logger *slog.Logger) *Client {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Client{
		BaseURL:     strings.TrimSuffix(baseURL, "/"),
		Repository:  repository,
		HTTP:        &http.Client{Timeout: 30 * time.Second},
		MaxAttempts: 4,
		Backoff:     time.Second,
		MaxWait:     2 * time.Minute,
		Sleep:       sleep,
		token:       token,
		logger:      logger,
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// APIError is a response from GitHub with an error status.
type APIError struct {
	// Method is the request's method; Path its path, without host or query.
	Method string
	Path   string
	// Status is the HTTP status; Message GitHub's "message", with the
	// details of a validation error.
	Status  int
	Message string
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("github: %s %s: %d %s", e.Method, e.Path, e.Status, msg)
}

// IsForbidden reports whether err is GitHub refusing the token: a 403, as
// for a read-only token on a pull request from a fork.
func IsForbidden(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == http.StatusForbidden
}

func isStatus(err error, status int) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == status
}

// repoPath returns the API path of the repository followed by elems, each
// escaped as one path segment.
func (c *Client) repoPath(elems ...string) string {
	var b strings.Builder
	b.WriteString("/repos/")
	b.WriteString(c.Repository)
	for _, e := range elems {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(e))
	}
	return b.String()
}

// do sends one request to path (relative to BaseURL, with its query) or to
// an absolute URL on BaseURL's host, with in encoded as the JSON body when
// not nil, and decodes the response into out when not nil. It returns the
// URL of the next page from the Link header, "" when there is none.
func (c *Client) do(ctx context.Context, method, path string, in, out any) (next string, err error) {
	target := path
	if !strings.HasPrefix(path, "http://") && !strings.HasPrefix(path, "https://") {
		target = c.BaseURL + path
	} else if err := c.sameHost(path); err != nil {
		return "", err
	}
	var body []byte
	if in != nil {
		if body, err = json.Marshal(in); err != nil {
			return "", fmt.Errorf("encode %s %s: %w", method, trimQuery(target), err)
		}
	}
	for attempt := 1; ; attempt++ {
		resp, data, err := c.send(ctx, method, target, body)
		if err != nil {
			if ctx.Err() != nil || attempt >= c.MaxAttempts {
				return "", err
			}
			c.logger.WarnContext(ctx, "github request error, retrying", LogKeyMethod, method, LogKeyPath, c.logPath(target),
				LogKeyAttempt, attempt, "error", err)
			if err := c.Sleep(ctx, c.backoff(attempt)); err != nil {
				return "", err
			}
			continue
		}
		c.logger.DebugContext(ctx, "github", LogKeyMethod, method, LogKeyPath, c.logPath(target), LogKeyStatus, resp.StatusCode)
		if resp.StatusCode < 300 {
			if out != nil && len(data) > 0 {
				if err := json.Unmarshal(data, out); err != nil {
					return "", fmt.Errorf("decode %s %s: %w", method, c.logPath(target), err)
				}
			}
			return nextLink(resp.Header.Get("Link")), nil
		}
		apiErr := &APIError{Method: method, Path: c.logPath(target), Status: resp.StatusCode, Message: c.redact(errorMessage(data))}
		wait, retry := c.retryWait(resp, data, attempt)
		if !retry || attempt >= c.MaxAttempts {
			return "", apiErr
		}
		c.logger.WarnContext(ctx, "github request retried", LogKeyMethod, method, LogKeyPath, apiErr.Path,
			LogKeyStatus, resp.StatusCode, LogKeyAttempt, attempt, LogKeyWait, wait)
		if err := c.Sleep(ctx, wait); err != nil {
			return "", err
		}
	}
}

// send makes one attempt and reads the whole response.
func (c *Client) send(ctx context.Context, method, target string, body []byte) (*http.Response, []byte, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, r)
	if err != nil {
		return nil, nil, fmt.Errorf("build %s %s: %w", method, c.logPath(target), err)
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("User-Agent", "schemareg-action")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		// The error names the URL, never the headers.
		return nil, nil, fmt.Errorf("github: %s %s: %w", method, c.logPath(target), unwrapURLError(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, nil, fmt.Errorf("github: read %s %s: %w", method, c.logPath(target), err)
	}
	return resp, data, nil
}

// retryWait decides whether a failed response is worth another attempt and
// how long to wait first: server errors back off exponentially; secondary
// rate limits wait for Retry-After (or a minute); an exhausted primary rate
// limit waits for its reset when that is near enough.
func (c *Client) retryWait(resp *http.Response, body []byte, attempt int) (time.Duration, bool) {
	status := resp.StatusCode
	if ra := resp.Header.Get("Retry-After"); ra != "" && (status == http.StatusForbidden || status == http.StatusTooManyRequests || status >= 500) {
		secs, err := strconv.Atoi(strings.TrimSpace(ra))
		if err != nil || secs < 0 {
			return 0, false
		}
		d := time.Duration(secs) * time.Second
		return d, d <= c.MaxWait
	}
	switch {
	case status == http.StatusInternalServerError, status == http.StatusBadGateway,
		status == http.StatusServiceUnavailable, status == http.StatusGatewayTimeout:
		return c.backoff(attempt), true
	case status != http.StatusForbidden && status != http.StatusTooManyRequests:
		return 0, false
	case resp.Header.Get("X-RateLimit-Remaining") == "0":
		reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
		if err != nil {
			return 0, false
		}
		d := time.Until(time.Unix(reset, 0)) + time.Second
		if d < 0 {
			d = time.Second
		}
		return d, d <= c.MaxWait
	case strings.Contains(strings.ToLower(string(body)), "secondary rate limit"):
		return time.Minute, time.Minute <= c.MaxWait
	}
	return 0, false
}

func (c *Client) backoff(attempt int) time.Duration {
	return c.Backoff << (attempt - 1)
}

// sameHost refuses to send the token to a host other than BaseURL's, e.g.
// when following a Link header.
func (c *Client) sameHost(target string) error {
	b, err1 := url.Parse(c.BaseURL)
	t, err2 := url.Parse(target)
	if err1 != nil || err2 != nil || b.Scheme != t.Scheme || b.Host != t.Host {
		return fmt.Errorf("github: refusing to follow %s outside %s", trimQuery(target), c.BaseURL)
	}
	return nil
}

// logPath is the request's path without host and query, for logs and errors.
func (c *Client) logPath(target string) string {
	if u, err := url.Parse(target); err == nil {
		return u.EscapedPath()
	}
	return trimQuery(target)
}

func trimQuery(s string) string {
	s, _, _ = strings.Cut(s, "?")
	return s
}

// unwrapURLError drops *url.Error's method and URL: the caller names them.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redact replaces the token in text that came from the API, as a proxy's
// error page repeating the request's headers would carry it: the message
// goes to the log, annotations and the step summary.
func (c *Client) redact(text string) string {
	if c.token == "" {
		return text
	}
	return strings.ReplaceAll(text, c.token, "***")
}

// errorMessage returns the "message" of a GitHub error body, with the
// details of a validation error when there are any.
func errorMessage(data []byte) string {
	var e struct {
		Message string `json:"message"`
		Errors  []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(data, &e) != nil {
		return ""
	}
	msg := e.Message
	for _, d := range e.Errors {
		if d.Message != "" {
			msg += "; " + d.Message
		} else if d.Code != "" {
			msg += "; " + d.Code
		}
	}
	return msg
}

// nextLink returns the rel="next" URL of a Link header.
func nextLink(header string) string {
	for _, part := range strings.Split(header, ",") {
		target, params, ok := strings.Cut(part, ";")
		if !ok {
			continue
		}
		target = strings.TrimSpace(target)
		if !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
			continue
		}
		for _, p := range strings.Split(params, ";") {
			if strings.ReplaceAll(strings.TrimSpace(p), " ", "") == `rel="next"` {
				return target[1 : len(target)-1]
			}
		}
	}
	return ""
}
