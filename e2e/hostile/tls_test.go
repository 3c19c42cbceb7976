package hostile

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testCA is a certificate authority of a test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue returns a certificate and its key, in PEM, for the server on
// 127.0.0.1 or for a client, valid from notBefore for an hour.
func (ca *testCA) issue(t *testing.T, name string, client bool, notBefore time.Time) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: notBefore, NotAfter: notBefore.Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	if client {
		tmpl.ExtKeyUsage, tmpl.IPAddresses = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, nil
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

// TestServeMutualTLS runs schemareg serve with --tls-cert, --tls-key and
// --tls-client-ca: a client with a certificate of that CA is served; one
// without a certificate, with one of another CA or with an expired one is
// refused in the handshake; plain HTTP gets no answer from the API.
func TestServeMutualTLS(t *testing.T) {
	needBinary(t)
	dir := t.TempDir()
	ca, other := newCA(t, "schemareg test CA"), newCA(t, "another CA")
	srvCert, srvKey := ca.issue(t, "server", false, time.Now().Add(-time.Minute))
	files := map[string][]byte{"server.pem": srvCert, "server.key": srvKey, "ca.pem": ca.pem}
	for name, data := range files {
		writeFile(t, filepath.Join(dir, name), string(data))
	}
	addr := freeAddr(t)
	p := start(t, dir, nil, "serve", "--addr", addr, "--etcd", "http://"+freeAddr(t),
		"--tls-cert", "server.pem", "--tls-key", "server.key", "--tls-client-ca", "ca.pem")
	roots := x509.NewCertPool()
	roots.AddCert(ca.cert)
	client := func(issuer *testCA, notBefore time.Time) *http.Client {
		tc := &tls.Config{RootCAs: roots}
		if issuer != nil {
			c, k := issuer.issue(t, "client", true, notBefore)
			pair, err := tls.X509KeyPair(c, k)
			if err != nil {
				t.Fatal(err)
			}
			tc.Certificates = []tls.Certificate{pair}
		}
		return &http.Client{Transport: &http.Transport{TLSClientConfig: tc, Proxy: nil}, Timeout: 30 * time.Second}
	}
	good := client(ca, time.Now().Add(-time.Minute))
	base := "https://" + addr
	waitFor(t, time.Minute, "schemareg serve over TLS", func() bool {
		if p.Exited() {
			t.Fatalf("serve exited:\n%s", p.Output())
		}
		code, _ := get(t, good, base+"/health")
		return code == http.StatusOK
	})
	for name, c := range map[string]*http.Client{
		"NoCertificate": client(nil, time.Time{}),
		"OtherCA":       client(other, time.Now().Add(-time.Minute)),
		"Expired":       client(ca, time.Now().Add(-2*time.Hour)),
	} {
		t.Run("Refused"+name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/health", nil)
			resp, err := c.Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("served: %d", resp.StatusCode)
			}
		})
	}
	t.Run("PlainHTTP", func(t *testing.T) {
		code, body := get(t, nil, "http://"+addr+"/health")
		if code == http.StatusOK || strings.Contains(string(body), `"status"`) {
			t.Errorf("plain HTTP to the TLS port: %d %s", code, body)
		}
	})
	t.Run("Accepted", func(t *testing.T) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/health", nil)
		resp, err := good.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.TLS == nil || len(resp.TLS.PeerCertificates) == 0 {
			t.Errorf("status %d, TLS %v", resp.StatusCode, resp.TLS != nil)
		}
	})
}

// TestEtcdAuthentication runs sync and serve against an etcd with
// authentication on. With a wrong password sync exits 1 at once with
// etcd's reason, and serve says on /ready why it is not ready, within a
// minute; neither hangs, and neither prints the password. The right
// password works; an etcd that is gone gives sync an error within its
// --etcd-dial-timeout.
func TestEtcdAuthentication(t *testing.T) {
	needBinary(t)
	etcd := authEtcd(t)
	ep := strings.Join(etcd.Endpoints(), ",")
	gone := "http://" + freeAddr(t)
	repo := newRepo(t, map[string]string{"schemas/ticks_v1.json": ticks("1.0.0", "")})

	t.Run("Sync", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			env  []string
			args []string
			want string
		}{
			{"WrongPassword", []string{"SCHEMAREG_ETCD_PASSWORD=" + wrongPassword}, []string{"--etcd", ep, "--etcd-user", "root"}, "authentication failed"},
			{"WrongPasswordFlag", nil, []string{"--etcd", ep, "--etcd-user", "root", "--etcd-password", wrongPassword}, "authentication failed"},
			{"UnknownUser", []string{"SCHEMAREG_ETCD_PASSWORD=" + etcdPassword}, []string{"--etcd", ep, "--etcd-user", "nobody"}, "authentication failed"},
			{"EtcdGone", []string{"SCHEMAREG_ETCD_PASSWORD=" + etcdPassword}, []string{"--etcd", gone, "--etcd-user", "root", "--etcd-dial-timeout", "2s"}, "connect to etcd " + gone + " as root (password set)"},
			{"Watch", []string{"SCHEMAREG_ETCD_PASSWORD=" + wrongPassword}, []string{"--etcd", ep, "--etcd-user", "root", "--watch"}, "authentication failed"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := schemareg(t, repo, tt.env, append([]string{"sync", "--repo", repo}, tt.args...)...)
				if r.code != 1 || !strings.Contains(r.stderr, tt.want) {
					t.Errorf("exit %d, want 1 and %q\n%s", r.code, tt.want, r.output())
				}
				noSecrets(t, "sync", r.output(), nil)
			})
		}
		r := schemareg(t, repo, []string{"SCHEMAREG_ETCD_PASSWORD=" + etcdPassword}, "sync", "--repo", repo, "--etcd", ep, "--etcd-user", "root")
		if r.code != 0 {
			t.Errorf("sync with the right password: exit %d\n%s", r.code, r.output())
		}
		noSecrets(t, "sync", r.output(), nil)
	})
	t.Run("Serve", func(t *testing.T) {
		for _, tt := range []struct {
			name, password, etcd, want string
			code                       int
		}{
			{"WrongPassword", wrongPassword, ep, "authentication failed, invalid user ID or password", http.StatusServiceUnavailable},
			{"EtcdGone", etcdPassword, gone, `"unreachable"`, http.StatusServiceUnavailable},
			{"RightPassword", etcdPassword, ep, `"ready"`, http.StatusOK},
		} {
			t.Run(tt.name, func(t *testing.T) {
				addr := freeAddr(t)
				p := start(t, t.TempDir(), []string{"SCHEMAREG_ETCD_PASSWORD=" + tt.password}, "serve", "--etcd", tt.etcd,
					"--etcd-user", "root", "--etcd-dial-timeout", "1s", "--addr", addr, "--log-format", "json")
				var body []byte
				waitFor(t, time.Minute, "/ready to say "+tt.want, func() bool {
					if p.Exited() {
						t.Fatalf("serve exited:\n%s", p.Output())
					}
					var code int
					code, body = get(t, nil, "http://"+addr+"/ready")
					return code == tt.code && strings.Contains(string(body), tt.want)
				})
				_, metrics := get(t, nil, "http://"+addr+"/metrics")
				p.Stop(t)
				for what, text := range map[string]string{"/ready": string(body), "/metrics": string(metrics), "the log": p.Output()} {
					noSecrets(t, "serve: "+what, text, nil)
				}
			})
		}
	})
}
