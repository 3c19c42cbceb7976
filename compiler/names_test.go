package compiler

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/internal/text"
)

func TestControlCharacterNamesRefused(t *testing.T) {
	dir := t.TempDir()
	gitCLI(t, dir, "init", "-q", "-b", "main")
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", prop{"a", "string", true}))
	gitCLI(t, dir, "add", "-A")
	gitCLI(t, dir, "commit", "-q", "-m", "ticks")
	base := gitCLI(t, dir, "rev-parse", "HEAD")
	for _, name := range []string{"schemas/a\n::error file=x::forged_v1.json", "schemas/b\r_v1.json", "schemas/dir\x1b[2J/c_v1.json"} {
		t.Run(strings.NewReplacer("\n", "LF", "\r", "CR", "\x1b", "ESC").Replace(name), func(t *testing.T) {
			write(name, `{"id": "a", "version": "1.0.0"}`)
			gitCLI(t, dir, "add", "-A")
			gitCLI(t, dir, "commit", "-q", "-m", "hostile name")
			head := gitCLI(t, dir, "rev-parse", "HEAD")
			shown := text.QuoteControl(name[:strings.IndexAny(name, "\n\r\x1b")])
			_, err := Check(t.Context(), CheckOptions{Repo: dir, Base: base, Head: head})
			if !errors.Is(err, ErrControlInName) || !strings.Contains(err.Error(), shown) || text.HasControl(err.Error()) {
				t.Errorf("check: err %q, want ErrControlInName naming the path escaped", err)
			}
			if _, err := Compile(t.Context(), CompileOptions{Repo: dir, Ref: head}); !errors.Is(err, ErrControlInName) {
				t.Errorf("compile: err %v, want ErrControlInName", err)
			}
			gitCLI(t, dir, "rm", "-q", "-r", "--cached", "schemas")
			if err := os.RemoveAll(filepath.Join(dir, "schemas")); err != nil {
				t.Fatal(err)
			}
			gitCLI(t, dir, "reset", "-q", "--hard", base)
		})
	}
}
