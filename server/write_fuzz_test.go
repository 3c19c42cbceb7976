package server

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"

	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/server/internal/testrepo"
)

// FuzzWrite sends random writes, with any token, content type, If-Match,
// query and body, to POST /schema/{id} of a server that commits to a bare
// repository. No write may panic or be answered 5xx; one that is not 202
// leaves the branch where it was; one without a valid token is 401 unless
// it is a dry run; and the compiler accepts every commit answered 202.
//
// The seed corpus is in testdata/fuzz/FuzzWrite.
func FuzzWrite(f *testing.F) {
	etcd := etcdtest.Start(f)
	ctx := context.Background()
	repo, err := testrepo.Build(f.TempDir(), "../schemas", 0)
	if err != nil {
		f.Fatal(err)
	}
	b, err := repo.Compile(ctx)
	if err != nil {
		f.Fatal(err)
	}
	cli := etcd.Client(f)
	if _, err := testrepo.Publish(ctx, cli, b); err != nil {
		f.Fatal(err)
	}
	bare := filepath.Join(f.TempDir(), "schemas.git")
	if _, err := git.PlainClone(bare, true, &git.CloneOptions{URL: repo.Dir}); err != nil {
		f.Fatal(err)
	}
	s := New(cli, testLogger(f), Options{CallTimeout: 2 * time.Second, MaxBody: 64 << 10,
		Git: &GitTarget{Repo: bare, Branch: testrepo.Branch}, WriteTokens: writeTokens})
	f.Fuzz(func(t *testing.T, id, query, token, ctype, ifMatch string, body []byte) {
		req, err := http.NewRequest(http.MethodPost, "http://registry.test/schema/"+url.PathEscape(id)+"?"+query, bytes.NewReader(body))
		if err != nil {
			t.Skip("not a request")
		}
		for name, v := range map[string]string{"Authorization": token, "Content-Type": ctype, "If-Match": ifMatch} {
			if v != "" {
				req.Header.Set(name, v)
			}
		}
		before := fuzzTip(t, bare)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		if rec.Code != http.StatusAccepted {
			if after := fuzzTip(t, bare); after != before {
				t.Fatalf("status %d moved the branch from %s to %s", rec.Code, before, after)
			}
		}
		// The scheme is case-insensitive (RFC 9110, 11.1), the token
		// whatever surrounds it.
		scheme, cred, _ := strings.Cut(token, " ")
		cred = strings.TrimSpace(cred)
		valid := strings.EqualFold(scheme, "Bearer") && (cred == aliceToken || cred == bobToken)
		if !valid && rec.Code/100 == 2 && req.URL.Query().Get("dry_run") == "" {
			t.Fatalf("an unauthenticated write got %d: %s", rec.Code, rec.Body)
		}
		if rec.Code == http.StatusAccepted {
			if _, err := testrepo.Compile(ctx, bare); err != nil {
				t.Fatalf("the compiler refuses a commit answered 202: %v", err)
			}
		}
	})
}

func fuzzTip(t *testing.T, dir string) string {
	t.Helper()
	h, err := readRef(dir, "refs/heads/"+testrepo.Branch)
	if err != nil {
		t.Fatal(err)
	}
	return h.String()
}
