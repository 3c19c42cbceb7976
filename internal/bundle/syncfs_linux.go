package bundle

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncFS makes everything written to the file system of dir durable with
// one syncfs call, instead of one fsync per file of a large bundle.
func syncFS(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Syncfs(int(f.Fd()))
}
