package snapshot

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
)

// echoS3 is an S3 endpoint that refuses every request with an error whose
// message is the request itself, headers and URL, as a misconfigured proxy
// or a hostile endpoint might. It records the signatures it was sent.
type echoS3 struct {
	mu         sync.Mutex
	signatures []string
}

func (e *echoS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", r.Method, r.URL.RequestURI())
	names := make([]string, 0, len(r.Header))
	for k := range r.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(r.Header[k], ", "))
	}
	if m := regexp.MustCompile(`Signature=([0-9a-f]+)`).FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		e.mu.Lock()
		e.signatures = append(e.signatures, m[1])
		e.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>%s</Message><RequestId>1</RequestId></Error>",
		html.EscapeString(b.String()))
}

func TestS3ErrorsRedactCredentials(t *testing.T) {
	const (
		keyID   = "AKIAIOSFODNN7EXAMPLE"
		secret  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
		session = "FwoGZXIvYXdzEXAMPLEsessionTOKENvalue0123456789"
	)
	echo := &echoS3{}
	srv := httptest.NewServer(echo)
	t.Cleanup(srv.Close)
	s, err := NewS3Store(t.Context(), S3Config{
		Bucket: testBucket, Region: "us-east-1", Endpoint: srv.URL, PathStyle: true,
		AccessKeyID: keyID, SecretAccessKey: secret, SessionToken: session, PartSize: testPartSize,
	})
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]func() error{
		"Put": func() error {
			return s.Put(t.Context(), "bundle-1.tar.gz", bytes.NewReader([]byte("data")), strings.Repeat("a", 64))
		},
		"Get": func() error {
			rc, _, err := s.Get(t.Context(), "bundle-1.tar.gz")
			if rc != nil {
				rc.Close()
			}
			return err
		},
		"List":   func() error { _, err := s.List(t.Context()); return err },
		"Delete": func() error { return s.Delete(t.Context(), "bundle-1.tar.gz") },
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			err := op()
			if err == nil {
				t.Fatal("no error from an endpoint that refuses everything")
			}
			msg := err.Error()
			if !strings.Contains(msg, "AccessDenied") || !strings.Contains(msg, "Authorization") {
				t.Fatalf("the error does not show the echoed request, so the test proves nothing: %s", msg)
			}
			echo.mu.Lock()
			sigs := append([]string(nil), echo.signatures...)
			echo.mu.Unlock()
			if len(sigs) == 0 {
				t.Fatal("the endpoint saw no signed request")
			}
			for _, leak := range append([]string{keyID, secret, session}, sigs...) {
				if strings.Contains(msg, leak) {
					t.Errorf("the error holds the credential %q:\n%s", leak, msg)
				}
			}
			if !strings.Contains(msg, redacted) {
				t.Errorf("the error does not say what it redacted:\n%s", msg)
			}
		})
	}
}

func TestRedactText(t *testing.T) {
	in := `Authorization: AWS4-HMAC-SHA256 Credential=ASIAXAMPLEKEY1234567/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0123abcd` +
		"\nX-Amz-Security-Token: tok/en+value=\n?X-Amz-Signature=beef&X-Amz-Security-Token=abc%2Fdef&X-Amz-Credential=AKIAABCDEFGHIJKLMNOP%2F2026"
	got := redactText(in, nil)
	for _, leak := range []string{"ASIAXAMPLEKEY1234567", "0123abcd", "tok/en", "beef", "abc%2Fdef", "AKIAABCDEFGHIJKLMNOP"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q left in:\n%s", leak, got)
		}
	}
}
