package hostile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExplicitPathsStayInside is guarantee 5 for paths named on the
// command line: a pull request that turns schemas/base_v1.json into a
// link to a credential file, then the README's own
// "diff HEAD~1:schemas/base_v1.json schemas/base_v1.json", prints nothing
// of the credential; validate refuses the link; a named pipe outside the
// repository, named through a link or directly, is never opened.
func TestExplicitPathsStayInside(t *testing.T) {
	needBinary(t)
	pipe := newSentinel(t, "pipe_v1.json")
	outside := t.TempDir()
	const secret = "ghp_credentialOutsideTheRepository0123"
	writeFile(t, filepath.Join(outside, "config.json"), `{"id": "base_v1", "version": "1.0.1", "description": "`+secret+`"}`)

	repo := newRepo(t, map[string]string{
		"schemas/ticks_v1.json": ticks("1.0.0", ""),
		"schemas/base_v1.json":  `{"id": "base_v1", "version": "1.0.0", "type": "object"}`,
	})
	for link, target := range map[string]string{
		"schemas/base_v1.json": filepath.Join(outside, "config.json"),
		"schemas/pipe_v1.json": pipe.path,
	} {
		p := filepath.Join(repo, link)
		os.Remove(p)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	git(t, repo, "add", "-A")
	git(t, repo, "commit", "-q", "-m", "links out")

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"diff", "HEAD~1:schemas/base_v1.json", "schemas/base_v1.json"}, "schemas/base_v1.json: symbolic link leaves the repository"},
		{[]string{"validate", "schemas/base_v1.json"}, "schemas/base_v1.json: symbolic link leaves the repository"},
		{[]string{"validate", "schemas/pipe_v1.json"}, "schemas/pipe_v1.json: symbolic link leaves the repository"},
		{[]string{"diff", "schemas/ticks_v1.json", "schemas/pipe_v1.json"}, "schemas/pipe_v1.json: symbolic link leaves the repository"},
		{[]string{"validate", pipe.path}, "a named pipe (FIFO), not a regular file"},
		{[]string{"diff", pipe.path, "schemas/ticks_v1.json"}, "a named pipe (FIFO), not a regular file"},
	} {
		r := schemareg(t, repo, nil, tt.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, want 2 and %q\n%s", tt.args, r.code, tt.want, r.output())
		}
		if strings.Contains(r.output(), secret) {
			t.Errorf("%v printed the credential:\n%s", tt.args, r.output())
		}
	}
	r := schemareg(t, repo, nil, "validate")
	if r.code != 0 || !strings.Contains(r.stderr, "skipped schemas/base_v1.json: a symbolic link") ||
		!strings.Contains(r.stderr, "skipped schemas/pipe_v1.json: a symbolic link") {
		t.Errorf("validate: exit %d, want 0 and the links reported as skipped\n%s", r.code, r.output())
	}
}
