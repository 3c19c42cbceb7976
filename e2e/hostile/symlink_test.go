package hostile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSymlinksNotFollowed is guarantee 5 for the file system: a pull
// request that adds symbolic links in the schemas folder, to a file and
// to a folder outside the repository, makes no schemareg command read
// through them. Git stores a link as a blob holding the path it points
// to; the compiler reads regular files' blobs only, and validate walks
// regular files only. The targets are sentinels that record any read.
func TestSymlinksNotFollowed(t *testing.T) {
	needBinary(t)
	file := newSentinel(t, "outside_v1.json")
	folder := filepath.Dir(newSentinel(t, "x_v1.json").path)
	// A valid schema beside the pipe: read through the link, it would be
	// validated, compiled and published.
	writeFile(t, filepath.Join(folder, "y_v1.json"), `{"id": "y_v1", "version": "1.0.0", "type": "string"}`)

	repo := newRepo(t, map[string]string{"schemas/ticks_v1.json": ticks("1.0.0", "")})
	base := git(t, repo, "rev-parse", "HEAD")
	for link, target := range map[string]string{
		"schemas/outside_v1.json":       file.path,
		"schemas/linked":                folder,
		"schemas/market/quotes_v1.json": filepath.Join(folder, "y_v1.json"),
	} {
		p := filepath.Join(repo, link)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	git(t, repo, "add", "-A")
	git(t, repo, "commit", "-q", "-m", "links out of the repository")
	head := git(t, repo, "rev-parse", "HEAD")
	if mode := git(t, repo, "ls-tree", "HEAD", "schemas/outside_v1.json"); !strings.HasPrefix(mode, "120000 blob") {
		t.Fatalf("git did not store a link: %s", mode)
	}
	notRead := func(t *testing.T, what, out string) {
		t.Helper()
		for _, s := range []string{"y_v1", "sentinel_v1", "outside_v1", "quotes_v1", "x_v1"} {
			if strings.Contains(out, s) {
				t.Errorf("%s mentions %s, which only a followed link reaches:\n%s", what, s, out)
			}
		}
	}

	t.Run("Validate", func(t *testing.T) {
		for _, args := range [][]string{{"validate"}, {"validate", "schemas"}, {"validate", "--format", "json", "schemas/"}} {
			r := schemareg(t, repo, nil, args...)
			if r.code != 0 || !strings.Contains(r.stdout, "1 schema valid") && !strings.Contains(r.stdout, `"files": 1`) {
				t.Errorf("%v: exit %d\n%s", args, r.code, r.output())
			}
			// The links are named as skipped, never read.
			if args[len(args)-1] != "schemas/" && !strings.Contains(r.stderr, "skipped schemas/outside_v1.json: a symbolic link, never followed") {
				t.Errorf("%v does not report the skipped link:\n%s", args, r.stderr)
			}
			if strings.Contains(r.stdout, `"reason"`) {
				r.stdout = r.stdout[:strings.Index(r.stdout, `"skipped"`)]
			}
			notRead(t, strings.Join(args, " "), r.stdout)
		}
	})
	t.Run("Compile", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "bundle")
		r := schemareg(t, repo, nil, "compile", "--out", out)
		if r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.output())
		}
		notRead(t, "compile", r.output())
		manifest, err := os.ReadFile(filepath.Join(out, "bundle.json"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(manifest), `"ticks_v1"`) {
			t.Errorf("the bundle lacks ticks_v1:\n%s", manifest)
		}
		notRead(t, "the bundle", string(manifest))
	})
	t.Run("Check", func(t *testing.T) {
		r := schemareg(t, repo, nil, "check", "--base", base, "--head", head, "--format", "json")
		if r.code != 0 {
			t.Errorf("exit %d\n%s", r.code, r.output())
		}
		notRead(t, "check", r.output())
	})
	t.Run("DiffRevision", func(t *testing.T) {
		for _, p := range []string{"schemas/outside_v1.json", "schemas/market/quotes_v1.json"} {
			r := schemareg(t, repo, nil, "diff", "HEAD:"+p, "schemas/ticks_v1.json")
			if r.code != 2 || !strings.Contains(r.stderr, "read "+p+" at HEAD: not a regular file") {
				t.Errorf("diff HEAD:%s: exit %d\n%s", p, r.code, r.output())
			}
		}
	})
	t.Run("LinkedSchemasFolder", func(t *testing.T) {
		// The schemas folder itself a link out of the repository.
		repo := t.TempDir()
		git(t, repo, "init", "-q", "-b", "main")
		if err := os.Symlink(folder, filepath.Join(repo, "schemas")); err != nil {
			t.Fatal(err)
		}
		git(t, repo, "add", "-A")
		git(t, repo, "commit", "-q", "-m", "schemas elsewhere")
		r := schemareg(t, repo, nil, "validate")
		if r.code != 2 || !strings.Contains(r.stderr, "schemas: symbolic link leaves the repository") {
			t.Errorf("validate: exit %d\n%s", r.code, r.output())
		}
		notRead(t, "validate", r.stdout)
		r = schemareg(t, repo, nil, "compile", "--out", filepath.Join(t.TempDir(), "b"))
		notRead(t, "compile", r.output())
	})
}

// TestDotDotPathsRefused checks that no path a command takes from a
// revision, a flag or a reference climbs out of the repository with "..".
func TestDotDotPathsRefused(t *testing.T) {
	needBinary(t)
	s := newSentinel(t, "secret_v1.json")
	outside := filepath.Dir(s.path)
	repo := newRepo(t, map[string]string{
		"schemas/ticks_v1.json": ticks("1.0.0", ""),
		"schemas/up_v1.json": `{"id": "up_v1", "version": "1.0.0", "properties": {
  "a": {"$ref": "../../../../../../..` + s.path + `"},
  "b": {"$ref": "../` + filepath.Base(s.path) + `#/x"}}}`,
	})
	rel, err := filepath.Rel(repo, s.path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"diff", "HEAD:" + rel, "schemas/ticks_v1.json"}, "file not in revision", 2},
		{[]string{"diff", "HEAD:schemas/../" + rel, "schemas/ticks_v1.json"}, "file not in revision", 2},
		{[]string{"diff", "HEAD:" + s.path, "schemas/ticks_v1.json"}, "file not in revision", 2},
		{[]string{"compile", "--dir", "../" + filepath.Base(outside), "--out", filepath.Join(t.TempDir(), "b")}, "must be a path inside the repository", 2},
		{[]string{"compile", "--dir", outside, "--out", filepath.Join(t.TempDir(), "b")}, "must be a path inside the repository", 2},
		{[]string{"check", "--base", "HEAD", "--head", "HEAD", "--dir", "schemas/../.."}, "must be a path inside the repository", 2},
		{[]string{"validate", "schemas/up_v1.json"}, "schemas/up_v1.json:2:", 1},
	} {
		r := schemareg(t, repo, nil, tt.args...)
		if r.code != tt.code || !strings.Contains(r.output(), tt.want) {
			t.Errorf("%v: exit %d, want %d and %q\n%s", tt.args, r.code, tt.code, tt.want, r.output())
		}
	}
	// A relative $ref climbs the registry's own URL space, never the disk.
	r := schemareg(t, repo, nil, "validate", "schemas/up_v1.json")
	if !strings.Contains(r.stdout, "reference outside the registry: schemareg:///") {
		t.Errorf("validate:\n%s", r.stdout)
	}
}
