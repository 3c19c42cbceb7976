package action

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeGitHub is a GitHub REST API on loopback with the endpoints the action
// uses, GitHub's status codes and JSON, and a log of every request.
type fakeGitHub struct {
	srv   *httptest.Server
	token string

	mu          sync.Mutex
	repoLabels  map[string]Label
	issueLabels []string
	comments    []Comment
	nextID      int64
	// integration makes the token an app's installation token, as
	// GITHUB_TOKEN is: GET /user refuses it and the GraphQL viewer is the
	// app's bot.
	integration bool

	logMu sync.Mutex // apart from mu: handlers write while holding mu
	log   []string
	waits []time.Duration // the waits the client asked for before retrying
	// fault, when set, may answer request number n (from 0) instead of
	// the fake: it returns the status, headers and body, or status 0 to
	// let the fake answer.
	fault func(r *http.Request, n int) (int, http.Header, string)
}

const (
	// fakeUser is the token's own account: a user's token, or with
	// integration the app's bot.
	fakeUser   = "schemareg-bot"
	fakeApp    = "github-actions[bot]"
	fakeToken  = "ghs_fakeSecretToken0123456789abcdefABCDEF"
	fakeRepo   = "acme/schemas"
	fakeNumber = 7
)

func newFakeGitHub(t *testing.T) *fakeGitHub {
	t.Helper()
	f := &fakeGitHub{token: fakeToken, repoLabels: map[string]Label{}, nextID: 1000}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /repos/{owner}/{repo}/issues/{n}/labels", f.handleIssueLabels)
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues/{n}/labels", f.handleAddLabels)
	mux.HandleFunc("DELETE /repos/{owner}/{repo}/issues/{n}/labels/{name}", f.handleRemoveLabel)
	mux.HandleFunc("GET /repos/{owner}/{repo}/labels/{name}", f.handleGetLabel)
	mux.HandleFunc("POST /repos/{owner}/{repo}/labels", f.handleCreateLabel)
	mux.HandleFunc("GET /repos/{owner}/{repo}/issues/{n}/comments", f.handleListComments)
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues/{n}/comments", f.handleCreateComment)
	mux.HandleFunc("PATCH /repos/{owner}/{repo}/issues/comments/{id}", f.handleUpdateComment)
	f.srv = httptest.NewServer(f.middleware(mux))
	t.Cleanup(f.srv.Close)
	return f
}

// middleware logs the request, checks the token and the repository, and
// applies the fault.
func (f *fakeGitHub) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.logMu.Lock()
		n := len(f.log)
		f.log = append(f.log, r.Method+" "+r.URL.RequestURI())
		f.logMu.Unlock()
		f.mu.Lock()
		fault := f.fault
		f.mu.Unlock()
		if fault != nil {
			if status, h, body := fault(r, n); status != 0 {
				for k, v := range h {
					w.Header()[k] = v
				}
				f.reply(w, n, status, body)
				return
			}
		}
		if r.Header.Get("Authorization") != "Bearer "+f.token {
			f.reply(w, n, http.StatusUnauthorized, `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`)
			return
		}
		switch r.Method + " " + r.URL.Path {
		case "GET /user":
			f.handleUser(&statusRecorder{ResponseWriter: w, f: f, n: n}, r)
			return
		case "POST /graphql":
			f.handleGraphQL(&statusRecorder{ResponseWriter: w, f: f, n: n}, r)
			return
		}
		// Link headers name the repository by id, as GitHub's do.
		if rest, ok := strings.CutPrefix(r.URL.Path, "/repositories/1/"); ok {
			r.URL.Path = "/repos/" + fakeRepo + "/" + rest
			r.URL.RawPath = ""
		}
		if !strings.HasPrefix(r.URL.Path, "/repos/"+fakeRepo+"/") {
			f.reply(w, n, http.StatusNotFound, `{"message":"Not Found"}`)
			return
		}
		next.ServeHTTP(&statusRecorder{ResponseWriter: w, f: f, n: n}, r)
	})
}

// statusRecorder appends the status to the request's log line.
type statusRecorder struct {
	http.ResponseWriter
	f *fakeGitHub
	n int
}

func (s *statusRecorder) WriteHeader(status int) {
	s.f.logMu.Lock()
	s.f.log[s.n] += " -> " + strconv.Itoa(status)
	s.f.logMu.Unlock()
	s.ResponseWriter.WriteHeader(status)
}

func (f *fakeGitHub) reply(w http.ResponseWriter, n, status int, body string) {
	f.logMu.Lock()
	f.log[n] += " -> " + strconv.Itoa(status)
	f.logMu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func notFound(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusNotFound, map[string]string{"message": msg, "documentation_url": "https://docs.github.com/rest"})
}

func (f *fakeGitHub) issueOK(w http.ResponseWriter, r *http.Request) bool {
	if r.PathValue("n") != strconv.Itoa(fakeNumber) {
		notFound(w, "Not Found")
		return false
	}
	return true
}

func (f *fakeGitHub) labelObjects() []Label {
	out := []Label{}
	for _, n := range f.issueLabels {
		l, ok := f.repoLabels[n]
		if !ok {
			l = Label{Name: n, Color: "ededed"}
		}
		out = append(out, l)
	}
	return out
}

func (f *fakeGitHub) handleIssueLabels(w http.ResponseWriter, r *http.Request) {
	if !f.issueOK(w, r) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	writeJSON(w, http.StatusOK, f.labelObjects())
}

func (f *fakeGitHub) handleAddLabels(w http.ResponseWriter, r *http.Request) {
	if !f.issueOK(w, r) {
		return
	}
	var in struct {
		Labels []string `json:"labels"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.Labels) == 0 {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Invalid request."})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range in.Labels {
		if _, ok := f.repoLabels[n]; !ok {
			// GitHub creates a missing label with the default colour.
			f.repoLabels[n] = Label{Name: n, Color: "ededed"}
		}
		if !slices.Contains(f.issueLabels, n) {
			f.issueLabels = append(f.issueLabels, n)
		}
	}
	writeJSON(w, http.StatusOK, f.labelObjects())
}

func (f *fakeGitHub) handleRemoveLabel(w http.ResponseWriter, r *http.Request) {
	if !f.issueOK(w, r) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	name := r.PathValue("name")
	i := slices.Index(f.issueLabels, name)
	if i < 0 {
		notFound(w, "Label does not exist")
		return
	}
	f.issueLabels = slices.Delete(f.issueLabels, i, i+1)
	writeJSON(w, http.StatusOK, f.labelObjects())
}

func (f *fakeGitHub) handleGetLabel(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	l, ok := f.repoLabels[r.PathValue("name")]
	if !ok {
		notFound(w, "Not Found")
		return
	}
	writeJSON(w, http.StatusOK, l)
}

func (f *fakeGitHub) handleCreateLabel(w http.ResponseWriter, r *http.Request) {
	var l Label
	if err := json.NewDecoder(r.Body).Decode(&l); err != nil || l.Name == "" {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Invalid request."})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.repoLabels[l.Name]; ok {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation Failed",
			"errors": []map[string]string{{"resource": "Label", "code": "already_exists", "field": "name"}}})
		return
	}
	f.repoLabels[l.Name] = l
	writeJSON(w, http.StatusCreated, l)
}

func (f *fakeGitHub) handleListComments(w http.ResponseWriter, r *http.Request) {
	if !f.issueOK(w, r) {
		return
	}
	perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if perPage <= 0 {
		perPage = 30
	}
	perPage = min(perPage, 100)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	f.mu.Lock()
	defer f.mu.Unlock()
	lo := min((page-1)*perPage, len(f.comments))
	hi := min(lo+perPage, len(f.comments))
	last := max((len(f.comments)+perPage-1)/perPage, 1)
	pageURL := func(p int) string {
		return fmt.Sprintf("%s/repositories/1/issues/%d/comments?per_page=%d&page=%d", f.srv.URL, fakeNumber, perPage, p)
	}
	var links []string
	if page < last {
		links = append(links, fmt.Sprintf(`<%s>; rel="next"`, pageURL(page+1)), fmt.Sprintf(`<%s>; rel="last"`, pageURL(last)))
	}
	if page > 1 {
		links = append(links, fmt.Sprintf(`<%s>; rel="prev"`, pageURL(page-1)), fmt.Sprintf(`<%s>; rel="first"`, pageURL(1)))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	writeJSON(w, http.StatusOK, f.comments[lo:hi])
}

func (f *fakeGitHub) decodeBody(w http.ResponseWriter, r *http.Request) (string, bool) {
	var in struct {
		Body *string `json:"body"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Body == nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Invalid request."})
		return "", false
	}
	if len([]rune(*in.Body)) > 65536 {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation Failed",
			"errors": []map[string]string{{"resource": "IssueComment", "code": "custom", "field": "body",
				"message": "body is too long (maximum is 65536 characters)"}}})
		return "", false
	}
	return *in.Body, true
}

func (f *fakeGitHub) handleCreateComment(w http.ResponseWriter, r *http.Request) {
	if !f.issueOK(w, r) {
		return
	}
	body, ok := f.decodeBody(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c := Comment{ID: f.nextID, Body: body, HTMLURL: fmt.Sprintf("https://github.com/%s/pull/%d#issuecomment-%d", fakeRepo, fakeNumber, f.nextID),
		User: &User{Login: f.self()}}
	f.nextID++
	f.comments = append(f.comments, c)
	writeJSON(w, http.StatusCreated, c)
}

func (f *fakeGitHub) handleUpdateComment(w http.ResponseWriter, r *http.Request) {
	body, ok := f.decodeBody(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.comments {
		if strconv.FormatInt(f.comments[i].ID, 10) == r.PathValue("id") {
			f.comments[i].Body = body
			writeJSON(w, http.StatusOK, f.comments[i])
			return
		}
	}
	notFound(w, "Not Found")
}

// requests returns the request log and starts a new one.
func (f *fakeGitHub) requests() []string {
	f.logMu.Lock()
	defer f.logMu.Unlock()
	out := f.log
	f.log = nil
	return out
}

// commentsWith returns the bodies of the comments that contain s.
func (f *fakeGitHub) commentsWith(s string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.comments {
		if strings.Contains(c.Body, s) {
			out = append(out, c.Body)
		}
	}
	return out
}

// client returns a client for the fake whose retries do not wait.
func (f *fakeGitHub) client(t *testing.T) *Client {
	c := NewClient(f.srv.URL, fakeRepo, f.token, testLogger(t))
	c.Sleep = func(ctx context.Context, d time.Duration) error {
		f.mu.Lock()
		f.waits = append(f.waits, d)
		f.mu.Unlock()
		return ctx.Err()
	}
	return c
}

// setFault sets the fault; nil removes it.
func (f *fakeGitHub) setFault(fault func(r *http.Request, n int) (int, http.Header, string)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault = fault
}

// setLabels replaces the pull request's labels.
func (f *fakeGitHub) setLabels(names ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.issueLabels = names
}

// labels returns the pull request's labels.
func (f *fakeGitHub) labels() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.issueLabels)
}

// repoLabel returns a label of the repository.
func (f *fakeGitHub) repoLabel(name string) Label {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.repoLabels[name]
}

// addComments appends comments by the token's own account with the given
// bodies, with ids from 1.
func (f *fakeGitHub) addComments(bodies ...string) {
	f.addCommentsBy("", bodies...)
}

// addCommentsBy appends comments by login ("" is the token's own account).
func (f *fakeGitHub) addCommentsBy(login string, bodies ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if login == "" {
		login = f.self()
	}
	for _, b := range bodies {
		f.comments = append(f.comments, Comment{ID: int64(len(f.comments) + 1), Body: b, User: &User{Login: login}})
	}
}

// self is the login of the token's account; the caller holds mu.
func (f *fakeGitHub) self() string {
	if f.integration {
		return fakeApp
	}
	return fakeUser
}

// handleUser answers GET /user: the token's account, or GitHub's 403 for
// an installation token.
func (f *fakeGitHub) handleUser(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.integration {
		writeJSON(w, http.StatusForbidden, map[string]string{"message": "Resource not accessible by integration", "documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user"})
		return
	}
	writeJSON(w, http.StatusOK, User{Login: fakeUser, ID: 501, Type: "User"})
}

// handleGraphQL answers the one query the action sends, the viewer's login.
func (f *fakeGitHub) handleGraphQL(w http.ResponseWriter, r *http.Request) {
	var in struct{ Query string }
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil || !strings.Contains(in.Query, "viewer") {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON"})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"viewer": User{Login: f.self()}}})
}

// commentCount returns how many comments the pull request has.
func (f *fakeGitHub) commentCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.comments)
}

// recordedWaits returns the waits the client asked for.
func (f *fakeGitHub) recordedWaits() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.waits)
}
