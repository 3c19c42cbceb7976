//go:build !unix

package bundle

import (
	"os"
	"path/filepath"
)

// dirWriter writes new files into one folder.
type dirWriter struct {
	dir string
}

func openDir(dir string) (*dirWriter, error) { return &dirWriter{dir: dir}, nil }

func (w *dirWriter) close() error { return nil }

// writeNew writes a file that does not exist yet.
func (w *dirWriter) writeNew(name string, data []byte) error {
	f, err := os.OpenFile(filepath.Join(w.dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
