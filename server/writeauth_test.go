package server

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/schemareg/schemareg/server/internal/testrepo"
)

func TestParseWriteTokens(t *testing.T) {
	good := "# writers\n\nalice " + aliceToken + "\n  bob\t" + bobToken + "  \n"
	got, err := ParseWriteTokens("tokens", []byte(good))
	if err != nil || len(got) != 2 || got[0] != writeTokens[0] || got[1] != writeTokens[1] {
		t.Fatalf("%+v, %v", got, err)
	}
	for name, tc := range map[string]struct{ data, want string }{
		"Empty":      {"# nothing\n", "tokens: no tokens"},
		"OneField":   {"alice\n", "tokens:1: want \"NAME TOKEN\", got 1 fields"},
		"ThreeField": {"\nalice " + aliceToken + " extra\n", "tokens:2: want"},
		"Short":      {"alice short\n", "tokens:1: the token of \"alice\" is 5 characters; use at least 16"},
		"SameName":   {"alice " + aliceToken + "\nalice " + bobToken + "\n", "tokens:2: name \"alice\" is on line 1 already"},
		"SameToken":  {"alice " + aliceToken + "\nbob " + aliceToken + "\n", "tokens:2: the token is on line 1 already"},
		"Control":    {"al\x1bice " + aliceToken + "\n", "tokens:1: names and tokens are printable ASCII"},
		"TooMany":    {manyTokens(MaxWriteTokens + 1), "over the limit of 1000 tokens"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseWriteTokens("tokens", []byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("FileLimits", func(t *testing.T) {
		dir := t.TempDir()
		big := filepath.Join(dir, "big")
		if err := os.WriteFile(big, bytes.Repeat([]byte("#"), MaxWriteTokenFile+1), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadWriteTokens(big); err == nil || !strings.Contains(err.Error(), "over the limit") {
			t.Errorf("big file: %v", err)
		}
		if _, err := LoadWriteTokens(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("folder: %v", err)
		}
	})
}

func manyTokens(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("w" + strconv.Itoa(i) + " token-" + strconv.Itoa(i) + "-0123456789abcdef\n")
	}
	return b.String()
}

func TestUpdateRef(t *testing.T) {
	dir := t.TempDir()
	if _, err := git.PlainInit(dir, true); err != nil {
		t.Fatal(err)
	}
	name := plumbing.NewBranchReferenceName("main")
	h1, h2, h3 := plumbing.NewHash(strings.Repeat("1", 40)), plumbing.NewHash(strings.Repeat("2", 40)), plumbing.NewHash(strings.Repeat("3", 40))
	if err := updateRef(dir, name, plumbing.ZeroHash, h1); err != nil {
		t.Fatal(err)
	}
	if err := updateRef(dir, name, h2, h3); !errors.Is(err, errRefMoved) {
		t.Errorf("a stale compare-and-swap: %v", err)
	}
	lock := filepath.Join(dir, "refs", "heads", "main.lock")
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := updateRef(dir, name, h1, h2); !errors.Is(err, errRefLocked) {
		t.Errorf("a held lock: %v", err)
	}
	if _, err := os.Stat(lock); err != nil {
		t.Errorf("another writer's lock was removed: %v", err)
	}
	os.Remove(lock)
	if err := updateRef(dir, name, h1, h2); err != nil {
		t.Fatal(err)
	}
	if got, err := readRef(dir, name); err != nil || got != h2 {
		t.Errorf("ref at %s, %v", got, err)
	}
	if _, err := os.Stat(lock); !os.IsNotExist(err) {
		t.Errorf("the lock file stays: %v", err)
	}

	// A packed ref is read, and moved to a loose one.
	packed := plumbing.NewBranchReferenceName("packed")
	if err := os.WriteFile(filepath.Join(dir, "packed-refs"), []byte("# pack-refs with: peeled\n"+h1.String()+" "+packed.String()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := updateRef(dir, packed, h1, h3); err != nil {
		t.Fatal(err)
	}
	if got, _ := readRef(dir, packed); got != h3 {
		t.Errorf("packed ref at %s", got)
	}
	// A ref file that is not a hash is an error, not a zero hash.
	if err := os.WriteFile(filepath.Join(dir, "refs", "heads", "main"), []byte("garbage\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := updateRef(dir, name, h2, h3); err == nil || !strings.Contains(err.Error(), "not a commit hash") {
		t.Errorf("garbage ref: %v", err)
	}
}

func TestWriteWithClientCertificate(t *testing.T) {
	h := newHarness(t)
	bare := bareClone(t, h)
	dir := t.TempDir()
	ca := newTestCA(t, "schemareg test CA")
	srvCert, srvKey := ca.issue(t, "server", false)
	cfg, err := TLSConfig(writeFile(t, dir, "srv.pem", srvCert), writeFile(t, dir, "srv.key", srvKey), writeFile(t, dir, "ca.pem", ca.pem))
	if err != nil {
		t.Fatal(err)
	}
	s := New(h.cli, testLogger(t), Options{Git: &GitTarget{Repo: bare, Branch: testrepo.Branch}, WriteClientCerts: true})
	ts := httptest.NewUnstartedServer(s.Handler())
	ts.TLS = cfg
	ts.StartTLS()
	t.Cleanup(ts.Close)
	roots := x509.NewCertPool()
	roots.AddCert(ca.cert)
	c, k := ca.issue(t, "carol", true)
	pair, err := tls.X509KeyPair(c, k)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{pair}}}}
	t.Cleanup(client.CloseIdleConnections)
	req, err := http.NewRequest(http.MethodPost, ts.URL+"/schema/ticks_v1", bytes.NewReader(ticks120(t, h)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("status %d", resp.StatusCode)
	}
	commit := branchCommit(t, bare)
	if commit.Author.Name != "carol" || !strings.Contains(commit.Message, "Written-by: carol (client certificate)") {
		t.Errorf("commit by %q: %q", commit.Author.Name, commit.Message)
	}
}
