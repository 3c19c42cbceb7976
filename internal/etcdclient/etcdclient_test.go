package etcdclient

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemareg/schemareg/internal/etcdtest"
)

func TestFlagsAndString(t *testing.T) {
	var c Config
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	c.RegisterFlags(fs)
	if err := fs.Parse([]string{"-etcd", " http://a:2379, http://b:2379 ,", "-etcd-user", "root", "-etcd-password", "s3cret"}); err != nil {
		t.Fatal(err)
	}
	if got := c.EndpointList(); len(got) != 2 || got[1] != "http://b:2379" {
		t.Errorf("EndpointList() = %q", got)
	}
	if s := c.String(); strings.Contains(s, "s3cret") || !strings.Contains(s, "root") {
		t.Errorf("String() = %q: must name the user, never the password", s)
	}
}

func TestClientConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"NoEndpoint", Config{Endpoints: " , "}, "no endpoint"},
		{"PasswordWithoutUser", Config{Endpoints: "x", Password: "p"}, "without a user"},
		{"CertWithoutKey", Config{Endpoints: "x", Cert: "c.pem"}, "go together"},
		{"MissingCA", Config{Endpoints: "x", CA: "/nonexistent/ca.pem"}, "etcd ca"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.cfg.ClientConfig()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func TestTLSFiles(t *testing.T) {
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	tc, err := Config{CA: certFile, Cert: certFile, Key: keyFile}.TLS()
	if err != nil {
		t.Fatal(err)
	}
	if tc.RootCAs == nil || len(tc.Certificates) != 1 {
		t.Fatalf("TLS config %+v", tc)
	}
	if tc, err := (Config{}).TLS(); tc != nil || err != nil {
		t.Fatalf("no files: got %v, %v, want no TLS", tc, err)
	}
}

func TestNewWithAuth(t *testing.T) {
	srv := etcdtest.Start(t)
	admin := srv.Client(t)
	ctx := t.Context()
	if _, err := admin.UserAdd(ctx, "root", "rootpw"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.UserGrantRole(ctx, "root", "root"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.AuthEnable(ctx); err != nil {
		t.Fatal(err)
	}
	eps := strings.Join(srv.Endpoints(), ",")
	cli, err := New(Config{Endpoints: eps, Username: "root", Password: "rootpw"})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := cli.Put(cctx, "k", "v"); err != nil {
		t.Fatalf("put as root: %v", err)
	}
	anon, err := New(Config{Endpoints: eps})
	if err != nil {
		t.Fatal(err)
	}
	defer anon.Close()
	if _, err := anon.Put(cctx, "k", "v"); err == nil {
		t.Fatal("put without credentials succeeded with auth on")
	}
	if _, err := New(Config{Endpoints: eps, Username: "root", Password: "wrong"}); err == nil || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("wrong password: got %v, want an error that does not echo it", err)
	}
}
