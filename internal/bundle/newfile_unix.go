//go:build unix

package bundle

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// dirWriter writes new files into one folder through a descriptor of it.
type dirWriter struct {
	dir string
	fd  int
}

func openDir(dir string) (*dirWriter, error) {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	return &dirWriter{dir: dir, fd: fd}, nil
}

func (w *dirWriter) close() error {
	if err := unix.Close(w.fd); err != nil {
		return &os.PathError{Op: "close", Path: w.dir, Err: err}
	}
	return nil
}

// writeNew writes a file that does not exist yet. It is os.WriteFile
// without what os.File does to offer a descriptor to the network poller,
// which for a regular file is four more system calls that fail or undo
// themselves: a bundle writes some eighty thousand files.
func (w *dirWriter) writeNew(name string, data []byte) error {
	p := filepath.Join(w.dir, name)
	fd, err := unix.Openat(w.fd, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o644)
	for err == unix.EINTR {
		fd, err = unix.Openat(w.fd, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o644)
	}
	if err != nil {
		return &os.PathError{Op: "open", Path: p, Err: err}
	}
	for len(data) > 0 {
		n, err := unix.Write(fd, data)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			unix.Close(fd)
			return &os.PathError{Op: "write", Path: p, Err: err}
		}
		data = data[n:]
	}
	if err := unix.Close(fd); err != nil {
		return &os.PathError{Op: "close", Path: p, Err: err}
	}
	return nil
}
