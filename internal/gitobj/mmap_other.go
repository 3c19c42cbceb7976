//go:build !unix

package gitobj

import (
	"io"
	"os"
)

// mapFile reads f whole where memory mapping is not available.
func mapFile(f *os.File) ([]byte, func() error, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if int64(int(st.Size())) != st.Size() {
		return nil, nil, errTooBigToMap
	}
	b := make([]byte, st.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, nil, err
	}
	return b, nil, nil
}
