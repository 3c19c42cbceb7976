//go:build unix

package gitobj

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps f read-only; the function unmaps it.
func mapFile(f *os.File) ([]byte, func() error, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if st.Size() == 0 {
		return nil, nil, nil
	}
	if int64(int(st.Size())) != st.Size() {
		return nil, nil, errTooBigToMap
	}
	b, err := unix.Mmap(int(f.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, err
	}
	return b, func() error { return unix.Munmap(b) }, nil
}
