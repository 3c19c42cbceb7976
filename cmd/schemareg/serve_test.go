package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/schemareg/schemareg/internal/etcdembed"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/internal/gittest"
)

func TestServeUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"Argument", []string{"serve", "extra"}, "takes no arguments"},
		{"CertWithoutKey", []string{"serve", "--tls-cert", "c.pem"}, "go together"},
		{"ClientCAWithoutCert", []string{"serve", "--tls-client-ca", "ca.pem"}, "needs --tls-cert"},
		{"Policy", []string{"serve", "--policy", "loose"}, "--policy"},
		{"LogFormat", []string{"serve", "--log-format", "xml"}, "log-format"},
		{"Prefix", []string{"serve", "--prefix", "registry"}, "must start with /"},
		{"ConfluentPrefix", []string{"serve", "--confluent-prefix", "confluent"}, "--confluent-prefix"},
		{"ConfluentPrefixRoot", []string{"serve", "--confluent-prefix", "/"}, "--confluent-prefix"},
		{"ConfluentSubjects", []string{"serve", "--confluent-subjects", "topic"}, "--confluent-subjects"},
		{"MissingCert", []string{"serve", "--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key"}, "tls"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runCmd(t, nil, tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tt.want)
			}
		})
	}
}

// freeAddr returns a loopback address for a server that binds it later.
func freeAddr(t *testing.T) string {
	t.Helper()
	port, err := etcdembed.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return "127.0.0.1:" + strconv.Itoa(port)
}

func TestServeCommand(t *testing.T) {
	srv := etcdtest.Start(t)
	environ := map[string]string{
		"SCHEMAREG_ETCD":       strings.Join(srv.Endpoints(), ","),
		"SCHEMAREG_LOG_FORMAT": "json",
	}
	ticks, err := os.ReadFile("../../schemas/ticks_v1.json")
	if err != nil {
		t.Fatal(err)
	}
	repo := gittest.New(t)
	repo.Write("schemas/ticks_v1.json", string(ticks))
	repo.Commit("add ticks")
	if stdout, stderr, code := runCmd(t, environ, "sync", "--repo", repo.Dir); code != 0 {
		t.Fatalf("sync: exit %d\n%s%s", code, stdout, stderr)
	}

	addr := freeAddr(t)
	var logs lockedBuffer
	e := &env{getenv: func(k string) string { return environ[k] }, stdin: strings.NewReader(""), stdout: io.Discard, stderr: &logs}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--etcd-user", "nobody", "--etcd-password", "not-a-real-secret"}, e)
	}()

	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready: %v\n%s", err, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	resp, err := http.Get(base + "/schema/ticks_v1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"ticks_v1"`)) || !strings.HasPrefix(resp.Header.Get("ETag"), `"sha256:`) {
		t.Errorf("GET /schema/ticks_v1: %d %s %s", resp.StatusCode, resp.Header.Get("ETag"), body)
	}

	resp, err = http.Get(base + "/confluent/subjects")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != `["ticks_v1"]` || resp.Header.Get("Content-Type") != "application/vnd.schemaregistry.v1+json" {
		t.Errorf("GET /confluent/subjects: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}

	cancel() // SIGTERM
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after SIGTERM", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	out := logs.String()
	if !strings.Contains(out, `"msg":"request"`) || !strings.Contains(out, `"route":"/schema/{id}"`) || !strings.Contains(out, `"route":"/confluent/subjects"`) {
		t.Errorf("no JSON request log:\n%s", out)
	}
	if strings.Contains(out, "not-a-real-secret") {
		t.Error("the etcd password reached the log")
	}
}
