package site

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
)

// output writes the files of a site under a directory and counts them.
// It is safe for concurrent use when no two writers share a file.
type output struct {
	root  string
	files atomic.Int64
	pages atomic.Int64
	bytes atomic.Int64
}

// mkdir makes the directories of a slash path, parents first; each must not
// exist yet, except "." and those made by an earlier call with the same
// parents.
func (o *output) mkdir(dirs ...string) error {
	for _, d := range dirs {
		if err := os.Mkdir(filepath.Join(o.root, filepath.FromSlash(d)), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	return nil
}

// write writes one file at a slash path whose directory exists.
func (o *output) write(name string, data []byte) error {
	if err := os.WriteFile(filepath.Join(o.root, filepath.FromSlash(name)), data, 0o644); err != nil {
		return err
	}
	o.files.Add(1)
	o.bytes.Add(int64(len(data)))
	if strings.HasSuffix(name, ".html") {
		o.pages.Add(1)
	}
	return nil
}

// tempDir makes the directory a site is built in, beside dir, so the final
// rename stays on one file system.
func tempDir(dir string) (string, error) {
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return "", err
	}
	// MkdirTemp makes it private; a site is for any reader.
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	return tmp, nil
}

// swap puts the site built in tmp at dir. A missing dir or a symbolic link
// is replaced with one rename. A directory, which only an empty one or a
// site generated before may be, is exchanged with tmp in one step where the
// system can (Linux), else moved aside, replaced and moved back if the
// replacing fails; the old site is then removed.
func swap(tmp, dir string) error {
	fi, err := os.Lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist), err == nil && fi.Mode()&fs.ModeSymlink != 0:
		return os.Rename(tmp, dir)
	case err != nil:
		return err
	case !fi.IsDir():
		return fmt.Errorf("%s exists and is not a directory; remove it or choose another output directory", dir)
	}
	if ok, err := replaceable(dir); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("%s exists and is not a site schemareg generated (no %s starting %q); remove it or choose another output directory",
			dir, headersFile, headersMarker)
	}
	if err := exchange(tmp, dir); err == nil {
		os.RemoveAll(tmp) // now the old site; removing it is best effort
		return nil
	}
	parent, base := filepath.Split(dir)
	old := filepath.Join(parent, "."+base+".old-"+randomSuffix())
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if rerr := os.Rename(old, dir); rerr != nil {
			return fmt.Errorf("%w; the previous site is at %s: %v", err, old, rerr)
		}
		return err
	}
	os.RemoveAll(old) // best effort: the new site is in place
	return nil
}

// replaceable reports whether dir may be replaced: it is empty, or a site
// this package generated.
func replaceable(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	if len(entries) == 0 {
		return true, nil
	}
	f, err := os.Open(filepath.Join(dir, headersFile))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, len(headersMarker))
	n, _ := io.ReadFull(f, head)
	return string(head[:n]) == headersMarker, nil
}

// randomSuffix names a directory no other run uses.
func randomSuffix() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
