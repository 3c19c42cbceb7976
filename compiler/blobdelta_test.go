package compiler

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/compiler/validate"
)

// packObjectHeader encodes a pack entry's type and inflated size.
func packObjectHeader(typ byte, size int) []byte {
	b := []byte{typ<<4 | byte(size&0x0f)}
	size >>= 4
	for size > 0 {
		b[len(b)-1] |= 0x80
		b = append(b, byte(size&0x7f))
		size >>= 7
	}
	return b
}

func leb128(n int) []byte {
	var b []byte
	for {
		c := byte(n & 0x7f)
		n >>= 7
		if n == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func deflate(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, _ := zlib.NewWriterLevel(&b, zlib.BestSpeed)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func blobHash(data []byte) [20]byte {
	return sha1.Sum(append([]byte(fmt.Sprintf("blob %d\x00", len(data))), data...))
}

// deltaOnHugeBaseRepo commits schemas/small_v1.json, a valid schema of a
// few bytes stored as a delta whose base is a blob of hugeBlobBytes: a pack
// no git command writes, but anyone can push.
func deltaOnHugeBaseRepo(t *testing.T) (dir, base string) {
	t.Helper()
	dir = t.TempDir()
	gitCLI(t, dir, "init", "-q", "-b", "main")
	if err := os.MkdirAll(filepath.Join(dir, "schemas"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "schemas", "ok.json"), []byte(schemaJSON("ok", "1.0.0", "", prop{"a", "string", true})), 0o644); err != nil {
		t.Fatal(err)
	}
	gitCLI(t, dir, "add", ".")
	gitCLI(t, dir, "commit", "-q", "-m", "ok")
	base = gitCLI(t, dir, "rev-parse", "HEAD")

	huge := make([]byte, hugeBlobBytes)
	small := []byte(`{"id": "small_v1", "version": "1.0.0"}`)
	hugeHash := blobHash(huge)
	delta := append(leb128(len(huge)), leb128(len(small))...)
	delta = append(delta, byte(len(small)))
	delta = append(delta, small...)

	var pack bytes.Buffer
	pack.WriteString("PACK")
	binary.Write(&pack, binary.BigEndian, uint32(2))
	binary.Write(&pack, binary.BigEndian, uint32(2))
	pack.Write(packObjectHeader(3, len(huge)))
	pack.Write(deflate(t, huge))
	pack.Write(packObjectHeader(7, len(delta)))
	pack.Write(hugeHash[:])
	pack.Write(deflate(t, delta))
	sum := sha1.Sum(pack.Bytes())
	pack.Write(sum[:])

	cmd := exec.Command("git", "index-pack", "--stdin")
	cmd.Dir = dir
	cmd.Stdin = &pack
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git index-pack: %v\n%s", err, out)
	}
	smallHash := blobHash(small)
	gitCLI(t, dir, "update-index", "--add", "--cacheinfo", fmt.Sprintf("100644,%x,schemas/small_v1.json", smallHash))
	gitCLI(t, dir, "commit", "-q", "-m", "a delta of a huge blob")
	if got := gitCLI(t, dir, "cat-file", "-p", "HEAD:schemas/small_v1.json"); got != string(small) {
		t.Fatalf("the crafted blob reads %q", got)
	}
	return dir, base
}

func TestDeltaOnHugeBaseNeverInflated(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a large git object")
	}
	dir, base := deltaOnHugeBaseRepo(t)
	t.Run("Check", func(t *testing.T) {
		var rep *CheckReport
		var err error
		n := allocated(func() { rep, err = Check(t.Context(), CheckOptions{Repo: dir, Base: base, Head: "HEAD"}) })
		if err != nil {
			t.Fatal(err)
		}
		if rep.OK || !strings.Contains(checkText(t, rep), "larger than the limit") {
			t.Errorf("check did not refuse the blob:\n%s", checkText(t, rep))
		}
		if n > heapBudget {
			t.Errorf("check allocated %d bytes; want at most %d", n, heapBudget)
		}
	})
	t.Run("Compile", func(t *testing.T) {
		var err error
		n := allocated(func() { _, err = Compile(t.Context(), CompileOptions{Repo: dir, Strict: true}) })
		if err == nil || !strings.Contains(err.Error(), "larger than the limit") {
			t.Errorf("compile error = %v; want the file refused as larger than the limit", err)
		}
		if n > heapBudget {
			t.Errorf("compile allocated %d bytes; want at most %d", n, heapBudget)
		}
	})
	t.Run("ReadRevision", func(t *testing.T) {
		var err error
		n := allocated(func() {
			_, err = ReadRevision(t.Context(), dir, "HEAD", "schemas/small_v1.json", validate.DefaultMaxBytes)
		})
		if err == nil || !strings.Contains(err.Error(), "more than the limit") {
			t.Errorf("ReadRevision error = %v; want the file refused", err)
		}
		if n > heapBudget {
			t.Errorf("ReadRevision allocated %d bytes; want at most %d", n, heapBudget)
		}
	})
}
