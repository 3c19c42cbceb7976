package hostile

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/schemareg/schemareg/internal/etcdtest"
)

// The secrets of these tests: none may appear in anything a process
// prints or writes for people to read.
const (
	awsKeyID        = "AKIAHOSTILE0TEST0KEY"
	awsSecret       = "hostile/Secret+Access+Key/0123456789abcdefgh"
	awsSession      = "hostileSessionTokenAAAABBBBCCCCDDDD"
	etcdPassword    = "correct-horse-battery-staple"
	wrongPassword   = "wrong-horse-battery-staple"
	signatureHeader = "X-Amz-Signature"
)

// awsEnv is the AWS environment of a command that talks to S3 at endpoint.
func awsEnv(endpoint string) []string {
	return []string{"AWS_ACCESS_KEY_ID=" + awsKeyID, "AWS_SECRET_ACCESS_KEY=" + awsSecret, "AWS_SESSION_TOKEN=" + awsSession,
		"AWS_REGION=us-east-1", "AWS_ENDPOINT_URL_S3=" + endpoint, "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}
}

// fakeS3 is an S3 endpoint that refuses every request as S3 refuses a bad
// signature, with the details S3 sends: the signature it was given, the
// string to sign and the canonical request. It records the signatures.
type fakeS3 struct {
	*httptest.Server
	mu         sync.Mutex
	signatures []string
}

var signatureRE = regexp.MustCompile(`Signature=([0-9a-f]+)`)

func newFakeS3(t *testing.T) *fakeS3 {
	t.Helper()
	f := &fakeS3{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		auth := r.Header.Get("Authorization")
		sig := ""
		if m := signatureRE.FindStringSubmatch(auth); m != nil {
			sig = m[1]
			f.mu.Lock()
			f.signatures = append(f.signatures, sig)
			f.mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		esc := func(s string) string {
			var b strings.Builder
			xml.EscapeText(&b, []byte(s))
			return b.String()
		}
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message><AWSAccessKeyId>%s</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256 %s</StringToSign><SignatureProvided>%s</SignatureProvided><CanonicalRequest>%s</CanonicalRequest><RequestId>4442587FB7D0A2F9</RequestId></Error>`,
			awsKeyID, esc(r.Header.Get("X-Amz-Date")), esc(sig), esc(r.Method+" "+r.URL.RequestURI()+" "+auth))
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeS3) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.signatures...)
}

// noSecrets fails if text holds a secret, or a signature the fake S3 saw.
func noSecrets(t *testing.T, what, text string, s3 *fakeS3) {
	t.Helper()
	secrets := []string{awsSecret, awsSession, etcdPassword, wrongPassword, actionToken, signatureHeader}
	if s3 != nil {
		secrets = append(secrets, s3.seen()...)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s shows the secret %q:\n%s", what, s, text)
		}
	}
}

// authEtcd starts an etcd with authentication on: user root, password
// etcdPassword.
func authEtcd(t *testing.T) *etcdtest.Server {
	t.Helper()
	etcd := etcdtest.Start(t)
	cli := etcd.Client(t)
	ctx := t.Context()
	steps := []func() error{
		func() error { _, err := cli.RoleAdd(ctx, "root"); return err },
		func() error { _, err := cli.UserAdd(ctx, "root", etcdPassword); return err },
		func() error { _, err := cli.UserGrantRole(ctx, "root", "root"); return err },
		func() error { _, err := cli.AuthEnable(ctx); return err },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("enable etcd authentication: %v", err)
		}
	}
	return etcd
}

// TestSecretsNeverPrinted runs the commands that hold secrets, with those
// secrets, against stores that refuse them or are gone, and greps
// everything the processes print: the S3 keys and session token, the
// request signatures, the etcd password and the GitHub token never
// appear, while the errors still say what went wrong. The etcd password
// of sync and serve is TestEtcdAuthentication's.
func TestSecretsNeverPrinted(t *testing.T) {
	needBinary(t)
	s3 := newFakeS3(t)
	gone := "http://" + freeAddr(t)

	t.Run("SnapshotAndRestoreS3", func(t *testing.T) {
		etcd := etcdtest.Start(t)
		ep := strings.Join(etcd.Endpoints(), ",")
		for _, endpoint := range []string{s3.URL, gone} {
			for _, args := range [][]string{
				{"snapshot", "--etcd", ep, "--to", "s3://backups/schemareg", "--s3-path-style"},
				{"snapshot", "--etcd", ep, "--to", "s3://backups/schemareg", "--s3-endpoint", endpoint, "--s3-path-style", "--keep", "2"},
				{"restore", "--from", "s3://backups/schemareg", "--data-dir", filepath.Join(t.TempDir(), "restored")},
				{"restore", "--from", "s3://backups/schemareg", "--snapshot", "20260101T000000Z.db", "--data-dir", filepath.Join(t.TempDir(), "restored"), "--s3-path-style"},
			} {
				r := schemareg(t, t.TempDir(), awsEnv(endpoint), args...)
				if r.code == 0 {
					t.Errorf("%v against %s: exit 0\n%s", args, endpoint, r.output())
				}
				want := "SignatureDoesNotMatch"
				if endpoint == gone {
					want = "request send failed"
				}
				if !strings.Contains(r.stderr, "s3: ") || !strings.Contains(r.stderr, want) {
					t.Errorf("%v: the error does not say what failed (%s):\n%s", args, want, r.stderr)
				}
				noSecrets(t, fmt.Sprint(args), r.output(), s3)
			}
		}
		if len(s3.seen()) == 0 {
			t.Error("the fake S3 saw no signed request: the test tests nothing")
		}
	})
	t.Run("DevLogs", func(t *testing.T) {
		repo := newRepo(t, map[string]string{"schemas/ticks_v1.json": ticks("1.0.0", "")})
		addr := freeAddr(t)
		env := append(awsEnv(s3.URL), "SCHEMAREG_ETCD_PASSWORD="+etcdPassword, "GITHUB_TOKEN="+actionToken)
		p := start(t, repo, env, "dev", "--addr", addr, "--data-dir", t.TempDir(), "--snapshot-to", "s3://backups/dev", "--poll", "1s")
		var body []byte
		waitFor(t, 2*time.Minute, "dev ready, after a try at a snapshot", func() bool {
			if p.Exited() {
				t.Fatalf("dev exited:\n%s", p.Output())
			}
			var code int
			code, body = get(t, nil, "http://"+addr+"/ready")
			return code == http.StatusOK && strings.Contains(p.Output(), "snapshot failed")
		})
		p.Stop(t)
		noSecrets(t, "dev", p.Output()+string(body), s3)
	})
	t.Run("ActionGitHubErrors", func(t *testing.T) {
		// A GitHub API, or a proxy in front of it, whose errors repeat the
		// request's Authorization header.
		var mu sync.Mutex
		var calls int
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			calls++
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprintf(w, `{"message":"refused %s %s with %s","errors":[{"code":"custom","message":"header %s"}]}`,
				r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Authorization"))
		}))
		t.Cleanup(api.Close)
		repo := newRepo(t, map[string]string{"schemas/ticks_v1.json": ticks("1.0.0", "")})
		base := git(t, repo, "rev-parse", "HEAD")
		writeFile(t, filepath.Join(repo, "schemas", "ticks_v1.json"), ticks("1.0.1", `,
    "venue": {"type": "string"}`))
		git(t, repo, "commit", "-q", "-am", "too small a bump")
		head := git(t, repo, "rev-parse", "HEAD")
		env, files := actionEnv(t, repo, api.URL, base, head)
		r := schemareg(t, repo, env, "action")
		if r.code != 1 {
			t.Errorf("exit %d, want 1\n%s", r.code, r.output())
		}
		if calls == 0 {
			t.Fatal("the action made no GitHub request: the test tests nothing")
		}
		noSecrets(t, "the action's output", r.output(), nil)
		for _, f := range []string{files.report, files.summary, files.output} {
			data, _ := os.ReadFile(f)
			noSecrets(t, filepath.Base(f), string(data), nil)
		}
	})
}
