package server

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"unicode"
)

// Limits of a write token file.
const (
	// MaxWriteTokenFile is the largest write token file, in bytes.
	MaxWriteTokenFile = 64 << 10
	// MinWriteToken is the shortest token a write token file may hold.
	MinWriteToken = 16
	// MaxWriteTokens is the most tokens a write token file may hold.
	MaxWriteTokens = 1000
)

// WriteToken is one writer allowed to POST /schema/{id}: a name the commit
// records and a bearer token.
type WriteToken struct {
	Name  string
	Token string
}

// Writer is who made a write: the commit's author.
type Writer struct {
	// Name is the token's name or the client certificate's common name.
	Name string
	// Email is the client certificate's first e-mail address, if any.
	Email string
	// Via is how the writer authenticated: "bearer token" or "client certificate".
	Via string
}

// LoadWriteTokens reads a write token file: one writer per line, "NAME
// TOKEN", separated by white space; blank lines and lines starting with #
// are skipped. A token is at least MinWriteToken characters; names and
// tokens are unique.
func LoadWriteTokens(file string) ([]WriteToken, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("write token file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("write token file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("write token file %s is not a regular file", file)
	}
	if st.Size() > MaxWriteTokenFile {
		return nil, fmt.Errorf("write token file %s is %d bytes, over the limit of %d", file, st.Size(), MaxWriteTokenFile)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxWriteTokenFile+1))
	if err != nil {
		return nil, fmt.Errorf("write token file %s: %w", file, err)
	}
	if len(data) > MaxWriteTokenFile {
		return nil, fmt.Errorf("write token file %s is over the limit of %d bytes", file, MaxWriteTokenFile)
	}
	return ParseWriteTokens(file, data)
}

// ParseWriteTokens parses the content of a write token file named file.
func ParseWriteTokens(file string, data []byte) ([]WriteToken, error) {
	var out []WriteToken
	names, tokens := map[string]int{}, map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, MaxWriteTokenFile)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		switch {
		case len(fields) != 2:
			return nil, fmt.Errorf("%s:%d: want \"NAME TOKEN\", got %d fields", file, n, len(fields))
		case len(fields[1]) < MinWriteToken:
			return nil, fmt.Errorf("%s:%d: the token of %q is %d characters; use at least %d random ones (openssl rand -hex 32)",
				file, n, fields[0], len(fields[1]), MinWriteToken)
		case !printableName(fields[0]) || !printableName(fields[1]):
			return nil, fmt.Errorf("%s:%d: names and tokens are printable ASCII", file, n)
		case names[fields[0]] > 0:
			return nil, fmt.Errorf("%s:%d: name %q is on line %d already", file, n, fields[0], names[fields[0]])
		case tokens[fields[1]] > 0:
			return nil, fmt.Errorf("%s:%d: the token is on line %d already", file, n, tokens[fields[1]])
		case len(out) == MaxWriteTokens:
			return nil, fmt.Errorf("%s:%d: over the limit of %d tokens", file, n, MaxWriteTokens)
		}
		names[fields[0]], tokens[fields[1]] = n, n
		out = append(out, WriteToken{Name: fields[0], Token: fields[1]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no tokens; add a line \"NAME TOKEN\"", file)
	}
	return out, nil
}

func printableName(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// writeAuth authenticates writers: bearer tokens, compared by their SHA-256
// in constant time, and client certificates verified by the TLS handshake.
type writeAuth struct {
	names   []string
	digests [][sha256.Size]byte
	certs   bool
}

func newWriteAuth(tokens []WriteToken, certs bool) *writeAuth {
	a := &writeAuth{certs: certs}
	for _, t := range tokens {
		a.names = append(a.names, t.Name)
		a.digests = append(a.digests, sha256.Sum256([]byte(t.Token)))
	}
	return a
}

// enabled reports whether any way to authenticate is configured.
func (a *writeAuth) enabled() bool { return len(a.digests) > 0 || a.certs }

// authenticate returns the request's writer. Every token is compared, so
// the time taken does not tell which one, or how much of one, matched.
func (a *writeAuth) authenticate(r *http.Request) (*Writer, error) {
	if !a.enabled() {
		return nil, errorf(ErrForbidden, "writes are disabled: this server has neither --write-token-file nor --tls-client-ca")
	}
	if h := r.Header.Get("Authorization"); h != "" && len(a.digests) > 0 {
		scheme, token, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return nil, errorf(ErrUnauthorized, "the Authorization scheme is %q; send \"Authorization: Bearer TOKEN\"", safeText(scheme, 20))
		}
		d := sha256.Sum256([]byte(strings.TrimSpace(token)))
		found := -1
		for i := range a.digests {
			if subtle.ConstantTimeCompare(d[:], a.digests[i][:]) == 1 {
				found = i
			}
		}
		if found < 0 {
			return nil, errorf(ErrUnauthorized, "the bearer token is not one of --write-token-file")
		}
		return &Writer{Name: a.names[found], Via: "bearer token"}, nil
	}
	if a.certs && r.TLS != nil && len(r.TLS.VerifiedChains) > 0 && len(r.TLS.PeerCertificates) > 0 {
		c := r.TLS.PeerCertificates[0]
		w := &Writer{Name: c.Subject.CommonName, Via: "client certificate"}
		if w.Name == "" {
			w.Name = c.Subject.String()
		}
		if len(c.EmailAddresses) > 0 {
			w.Email = c.EmailAddresses[0]
		}
		w.Name, w.Email = safeText(w.Name, 200), safeText(w.Email, 200)
		return w, nil
	}
	if len(a.digests) > 0 {
		return nil, errorf(ErrUnauthorized, "writes need \"Authorization: Bearer TOKEN\" with a token of --write-token-file")
	}
	return nil, errorf(ErrUnauthorized, "writes need a client certificate of --tls-client-ca")
}

// safeText keeps at most n bytes of s, with control and non-ASCII
// characters replaced by '?': for text that goes into errors and commits.
func safeText(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.Map(func(r rune) rune {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) {
			return '?'
		}
		return r
	}, s)
}
