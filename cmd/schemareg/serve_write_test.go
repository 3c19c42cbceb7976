package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

func TestServeWriteUsage(t *testing.T) {
	dir := t.TempDir()
	bare := filepath.Join(dir, "bare.git")
	if _, err := git.PlainInit(bare, true); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "work")
	if _, err := git.PlainInitWithOptions(work, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")}}); err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(dir, "tokens")
	if err := os.WriteFile(short, []byte("# writers\nalice short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"NoAuthentication", []string{"serve", "--git-repo", bare}, "give --write-token-file or --tls-client-ca"},
		{"TokensWithoutRepo", []string{"serve", "--write-token-file", short}, "--write-token-file needs --git-repo"},
		{"ShortToken", []string{"serve", "--git-repo", bare, "--write-token-file", short}, short + ":2: the token of \"alice\""},
		{"MissingTokenFile", []string{"serve", "--git-repo", bare, "--write-token-file", filepath.Join(dir, "none")}, "write token file"},
		{"CheckedOutBranch", []string{"serve", "--git-repo", work, "--write-token-file", short}, "checked out in its work tree"},
		{"NotARepository", []string{"serve", "--git-repo", dir, "--write-token-file", short}, "not a git repository"},
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
