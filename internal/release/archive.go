package release

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sort"
	"time"
)

// archiveFile is one entry of an archive: its name inside, where its bytes
// come from and its fixed mode.
type archiveFile struct {
	name string
	path string
	mode int64
}

// writeArchive writes a tar.gz whose bytes depend only on the files'
// contents, names and modes and on mtime: entries are sorted, owned by
// 0:0 with no user or group names, and the gzip header has no name or time.
func writeArchive(path string, files []archiveFile, mtime time.Time) (string, error) {
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	zw, err := gzip.NewWriterLevel(io.MultiWriter(f, h), gzip.BestCompression)
	if err != nil {
		return "", err
	}
	zw.Header = gzip.Header{OS: 255}
	tw := tar.NewWriter(zw)
	mtime = mtime.UTC().Truncate(time.Second)
	for _, af := range files {
		if err := addFile(tw, af, mtime); err != nil {
			return "", fmt.Errorf("add %s: %w", af.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func addFile(tw *tar.Writer, af archiveFile, mtime time.Time) error {
	src, err := os.Open(af.path)
	if err != nil {
		return err
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return err
	}
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     af.name,
		Size:     st.Size(),
		Mode:     af.mode,
		ModTime:  mtime,
		Format:   tar.FormatUSTAR,
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(tw, src)
	return err
}
