package etcdclient

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.etcd.io/etcd/client/pkg/v3/transport"
	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"

	"github.com/schemareg/schemareg/internal/etcdembed"
	"github.com/schemareg/schemareg/internal/etcdtest"
)

// TestDialDeadEtcd: nothing listens, no authentication: Dial gives up at
// the dial timeout, not at some call's deadline minutes later.
func TestDialDeadEtcd(t *testing.T) {
	port, err := etcdembed.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = Dial(t.Context(), Config{Endpoints: "http://127.0.0.1:" + strconv.Itoa(port), DialTimeout: 300 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "no answer within 300ms") || !strings.Contains(err.Error(), "https://") {
		t.Fatalf("dead etcd: %v; want no answer within the dial timeout and a hint about TLS", err)
	}
	// Generous: what matters is seconds, not the two minutes of a publish.
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Dial took %s with a dial timeout of 300ms", d)
	}
}

// TestDialLiveEtcd: Dial returns a client that works.
func TestDialLiveEtcd(t *testing.T) {
	srv := etcdtest.Start(t)
	cli, err := Dial(t.Context(), Config{Endpoints: strings.Join(srv.Endpoints(), ",")})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	if _, err := cli.Put(t.Context(), "k", "v"); err != nil {
		t.Fatal(err)
	}
}

// TestDialTLSWithoutClientCert: an etcd that requires client
// certificates, and none given: Dial fails within the dial timeout and
// says to give one; with one it connects.
func TestDialTLSWithoutClientCert(t *testing.T) {
	dir := t.TempDir()
	caKey, caDER := newCert(t, nil, nil, "ca", true)
	ca, _ := x509.ParseCertificate(caDER)
	srvKey, srvDER := newCert(t, ca, caKey, "127.0.0.1", false)
	cliKey, cliDER := newCert(t, ca, caKey, "client", false)
	caFile := writePEM(t, dir, "ca", caDER, nil)
	srvCert, srvKeyFile := writePEM(t, dir, "server", srvDER, srvKey), filepath.Join(dir, "server-key.pem")
	cliCert, cliKeyFile := writePEM(t, dir, "client", cliDER, cliKey), filepath.Join(dir, "client-key.pem")

	clientURL, err := etcdembed.FreeURL()
	if err != nil {
		t.Fatal(err)
	}
	peerURL, err := etcdembed.FreeURL()
	if err != nil {
		t.Fatal(err)
	}
	cu, _ := url.Parse(strings.Replace(clientURL, "http://", "https://", 1))
	pu, _ := url.Parse(peerURL)
	ec := embed.NewConfig()
	ec.Dir = filepath.Join(dir, "etcd")
	ec.UnsafeNoFsync = true
	ec.ListenClientUrls, ec.AdvertiseClientUrls = []url.URL{*cu}, []url.URL{*cu}
	ec.ListenPeerUrls, ec.AdvertisePeerUrls = []url.URL{*pu}, []url.URL{*pu}
	ec.InitialCluster = ec.InitialClusterFromName(ec.Name)
	ec.ClientTLSInfo = transport.TLSInfo{CertFile: srvCert, KeyFile: srvKeyFile, TrustedCAFile: caFile, ClientCertAuth: true}
	ec.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop())
	e, err := embed.StartEtcd(ec)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(30 * time.Second):
		t.Fatal("etcd not ready")
	}

	start := time.Now()
	_, err = Dial(t.Context(), Config{Endpoints: cu.String(), CA: caFile, DialTimeout: 500 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "-etcd-cert") {
		t.Fatalf("TLS etcd without a client certificate: %v; want a hint to give -etcd-cert", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Dial took %s with a dial timeout of 500ms", d)
	}
	cli, err := Dial(t.Context(), Config{Endpoints: cu.String(), CA: caFile, Cert: cliCert, Key: cliKeyFile})
	if err != nil {
		t.Fatalf("with a client certificate: %v", err)
	}
	defer cli.Close()
	if _, err := cli.Put(t.Context(), "k", "v"); err != nil {
		t.Fatal(err)
	}
}

// newCert makes a key and a certificate of it, signed by parent (self-
// signed when nil), for both server and client use on 127.0.0.1.
func newCert(t *testing.T, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, name string, isCA bool) (*ecdsa.PrivateKey, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: isCA, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	return key, der
}

// writePEM writes name.pem, and name-key.pem when key is set; it returns
// the certificate's file.
func writePEM(t *testing.T, dir, name string, der []byte, key *ecdsa.PrivateKey) string {
	t.Helper()
	file := filepath.Join(dir, name+".pem")
	os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	if key != nil {
		kder, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name+"-key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	}
	return file
}

// TestEndpointURLPassword: user:password@ in an endpoint URL authenticates
// and is never shown.
func TestEndpointURLPassword(t *testing.T) {
	c := Config{Endpoints: "http://root:s3cret@127.0.0.1:2379, https://root:s3cret@[::1]:2379/x"}
	if got := c.EndpointList(); got[0] != "http://127.0.0.1:2379" || got[1] != "https://[::1]:2379/x" {
		t.Errorf("EndpointList() = %q", got)
	}
	if s := c.String(); strings.Contains(s, "s3cret") || !strings.Contains(s, "as root (password set)") {
		t.Errorf("String() = %q", s)
	}
	cc, err := c.ClientConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cc.Username != "root" || cc.Password != "s3cret" || strings.Contains(strings.Join(cc.Endpoints, ","), "s3cret") {
		t.Errorf("client config: user %q password %q endpoints %q", cc.Username, cc.Password, cc.Endpoints)
	}
	if _, err := (Config{Endpoints: "http://a:b@h:1", Username: "other"}).ClientConfig(); err == nil || strings.Contains(err.Error(), ":b") {
		t.Errorf("two users: %v, want an error without the password", err)
	}

	srv := etcdtest.Start(t)
	admin := srv.Client(t)
	ctx := t.Context()
	admin.UserAdd(ctx, "root", "rootpw")
	admin.UserGrantRole(ctx, "root", "root")
	if _, err := admin.AuthEnable(ctx); err != nil {
		t.Fatal(err)
	}
	ep := strings.Replace(srv.Endpoints()[0], "://", "://root:rootpw@", 1)
	cli, err := Dial(ctx, Config{Endpoints: ep})
	if err != nil {
		t.Fatalf("user and password in the URL: %v", err)
	}
	defer cli.Close()
	if _, err := cli.Put(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	_, err = New(Config{Endpoints: strings.Replace(ep, "rootpw", "wrong-pw", 1)})
	if err == nil || strings.Contains(err.Error(), "wrong-pw") {
		t.Errorf("wrong password in the URL: %v; want an error without it", err)
	}
}
