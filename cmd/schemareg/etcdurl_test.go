package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemareg/schemareg/internal/etcdtest"
)

// TestServeHidesEndpointPassword: an etcd URL with user:password@ is
// used, and its password reaches neither the log nor an error.
func TestServeHidesEndpointPassword(t *testing.T) {
	srv := etcdtest.Start(t)
	ep := strings.Replace(srv.Endpoints()[0], "://", "://nobody:url-secret-pw@", 1)
	environ := map[string]string{"SCHEMAREG_ETCD": ep, "SCHEMAREG_LOG_FORMAT": "json"}
	addr := freeAddr(t)
	var logs lockedBuffer
	e := &env{getenv: func(k string) string { return environ[k] }, stdin: strings.NewReader(""), stdout: io.Discard, stderr: &logs}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--addr", addr}, e) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/health")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %v\n%s", err, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
	out := logs.String()
	if !strings.Contains(out, `"msg":"starting"`) || !strings.Contains(out, "as nobody (password set)") {
		t.Errorf("no start-up record naming the user:\n%s", out)
	}
	if strings.Contains(out, "url-secret-pw") {
		t.Errorf("the password in the etcd URL reached the log:\n%s", out)
	}
}

// TestSyncDeadEtcdDialTimeout: sync against an etcd that is not there
// gives up at --etcd-dial-timeout and hints at TLS.
func TestSyncDeadEtcdDialTimeout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bundle")
	writeBundle(t, dir, 1)
	start := time.Now()
	_, stderr, code := runCmd(t, nil, "sync", "--bundle", dir, "--etcd", "http://u:dead-pw@"+freeAddr(t), "--etcd-dial-timeout", "300ms")
	if code != 1 || !strings.Contains(stderr, "no answer within 300ms") || !strings.Contains(stderr, "TLS") {
		t.Fatalf("dead etcd: exit %d, %s; want exit 1, no answer within the dial timeout, a TLS hint", code, stderr)
	}
	if strings.Contains(stderr, "dead-pw") {
		t.Errorf("the password reached the error: %s", stderr)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("sync took %s with --etcd-dial-timeout 300ms", d)
	}

	// Without authentication the client connects lazily: the wait is
	// Dial's, not the publish's.
	start = time.Now()
	_, stderr, code = runCmd(t, nil, "sync", "--bundle", dir, "--etcd", "http://"+freeAddr(t), "--etcd-dial-timeout", "300ms")
	if code != 1 || !strings.Contains(stderr, "no answer within 300ms") {
		t.Fatalf("dead etcd without auth: exit %d, %s", code, stderr)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("sync without auth took %s with --etcd-dial-timeout 300ms", d)
	}
}
