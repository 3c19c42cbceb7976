package gitfs

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/schemareg/schemareg/internal/gittest"
)

// TestPackedObjectsWhileAnotherWriterAddsObjects reads a packed commit
// from fresh object stores while another writer adds loose objects: every
// read finds it. (With go-git's own file system, some reads find no pack
// file at all and answer "object not found".)
func TestPackedObjectsWhileAnotherWriterAddsObjects(t *testing.T) {
	src := gittest.New(t)
	src.Write("schemas/a_v1.json", "{}\n")
	head := src.Commit("one")
	bare := filepath.Join(t.TempDir(), "bare.git")
	if _, err := git.PlainClone(bare, true, &git.CloneOptions{URL: src.Dir}); err != nil {
		t.Fatal(err)
	}
	writer, _, err := Open(bare, filesystem.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2000)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 400 {
			obj := writer.Storer.NewEncodedObject()
			obj.SetType(plumbing.BlobObject)
			w, _ := obj.Writer()
			fmt.Fprintf(w, "blob %d", i)
			w.Close()
			if _, err := writer.Storer.SetEncodedObject(obj); err != nil {
				errs <- err
			}
		}
	}()
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				r, st, err := Open(bare, filesystem.Options{})
				if err != nil {
					errs <- err
					return
				}
				if _, err := r.CommitObject(head); err != nil {
					errs <- fmt.Errorf("read the packed commit: %w", err)
				}
				st.Close()
			}
		}()
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n < 3 {
			t.Error(err)
		}
		n++
	}
	if n > 0 {
		t.Errorf("%d reads or writes failed", n)
	}
}
