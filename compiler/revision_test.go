package compiler

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// commitFiles writes files into a repository's work tree and commits them.
func commitFiles(t *testing.T, repo *git.Repository, dir string, files map[string]string, msg string) {
	t.Helper()
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := wt.Add(name); err != nil {
			t.Fatal(err)
		}
	}
	sig := &object.Signature{Name: "Test", Email: "test@example.com", When: time.Unix(1_700_000_000, 0)}
	if _, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
		t.Fatal(err)
	}
}

func TestReadRevision(t *testing.T) {
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	commitFiles(t, repo, dir, map[string]string{"schemas/a.json": `{"type":"string"}`}, "first")
	commitFiles(t, repo, dir, map[string]string{"schemas/a.json": `{"type":"number"}`}, "second")
	sub := filepath.Join(dir, "schemas")
	tests := []struct {
		rev, file, want string
		err             error
	}{
		{"HEAD", "schemas/a.json", `{"type":"number"}`, nil},
		{"HEAD~1", "./schemas/a.json", `{"type":"string"}`, nil},
		{"HEAD", "schemas/missing.json", "", ErrFileNotInRevision},
		{"nope", "schemas/a.json", "", ErrRevisionNotFound},
	}
	for _, tt := range tests {
		got, err := ReadRevision(t.Context(), sub, tt.rev, tt.file, 0)
		if !errors.Is(err, tt.err) || string(got) != tt.want {
			t.Errorf("ReadRevision(%s, %s) = %q, %v; want %q, %v", tt.rev, tt.file, got, err, tt.want, tt.err)
		}
	}
	if _, err := ReadRevision(t.Context(), dir, "HEAD", "schemas/a.json", 5); err == nil {
		t.Error("the size limit was not applied")
	}
	if _, err := ReadRevision(t.Context(), t.TempDir(), "HEAD", "a.json", 0); err == nil {
		t.Error("a folder without a repository was read")
	}
}

func TestRevisionArg(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "a:b.json")
	if err := os.WriteFile(existing, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		arg, rev, file string
		ok             bool
	}{
		{"HEAD~1:schemas/a.json", "HEAD~1", "schemas/a.json", true},
		{"main:a.json", "main", "a.json", true},
		{"schemas/a.json", "", "", false},
		{":a.json", "", "", false},
		{"HEAD:", "", "", false},
		{existing, "", "", false},
	}
	for _, tt := range tests {
		rev, file, ok := RevisionArg(tt.arg)
		if rev != tt.rev || file != tt.file || ok != tt.ok {
			t.Errorf("RevisionArg(%q) = %q, %q, %v", tt.arg, rev, file, ok)
		}
	}
}
