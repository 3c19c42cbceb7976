package bundle

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Write writes b to dir atomically and returns once it is durable.
//
// dir becomes a symbolic link to a directory beside it that holds the
// manifest and the version lists, with a link "schemas" into a store of the
// schema files that later bundles share: a published version's bytes never
// change, so a bundle that continues another (b.Base) adds only its new
// files to its store. The link dir is swapped with one rename: until then
// dir shows the previous bundle, whole, and a reader never sees a partial
// one. The bundle before stays on disk for readers still using it; older
// ones are removed.
//
// Write verifies what it writes: every file against its digest, each
// version list as it writes it (the bytes Seal encoded, when b was sealed),
// the manifest and the generation. It does not encode the version lists of
// a sealed bundle again, as Verify does to compare them with Versions.
func Write(dir string, b *Bundle) error {
	if err := b.verify(false); err != nil {
		return fmt.Errorf("write bundle %s: %w", dir, err)
	}
	if err := write(dir, b); err != nil {
		return fmt.Errorf("write bundle %s: %w", dir, err)
	}
	return nil
}

func write(dir string, b *Bundle) error {
	dir = filepath.Clean(dir)
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	if err := checkReplaceable(dir); err != nil {
		return err
	}
	store, fresh, err := chooseStore(parent, base, b)
	if err != nil {
		return err
	}
	if err := fillStore(store, b.Files, fresh); err != nil {
		if fresh {
			os.RemoveAll(store)
		}
		return err
	}
	gen, err := writeGeneration(parent, base, store, b)
	if err != nil {
		return err
	}
	if err := syncFS(parent); err != nil {
		os.RemoveAll(gen)
		return err
	}
	previous, _ := os.Readlink(dir)
	if err := swapLink(dir, filepath.Base(gen)); err != nil {
		os.RemoveAll(gen)
		return err
	}
	prune(parent, base, filepath.Base(gen), filepath.Base(previous))
	return nil
}

// checkReplaceable refuses to replace what is not a bundle.
func checkReplaceable(dir string) error {
	fi, err := os.Lstat(dir)
	switch {
	case isNotExist(err):
		return nil
	case err != nil:
		return err
	case fi.Mode()&os.ModeSymlink != 0:
		return nil
	case fi.IsDir():
		if _, err := os.Stat(filepath.Join(dir, ManifestFile)); err == nil {
			return nil
		}
	}
	return fmt.Errorf("%s exists and is not a bundle; remove it or choose another --out", dir)
}

// chooseStore returns the store of schema files to write to: the store of
// the bundle b continues, or a new one. A store only ever grows, so a full
// write starts a new one: its files are then exactly the bundle's.
func chooseStore(parent, base string, b *Bundle) (store string, fresh bool, err error) {
	if b.Base != nil {
		if target := b.Base.schema; target != "" && filepath.Dir(target) == filepath.Dir(b.Base.path) {
			return target, false, nil
		}
		return "", false, fmt.Errorf("the bundle it continues, %s, has no store of schema files beside it; compile without it", b.Base.path)
	}
	store, err = os.MkdirTemp(parent, "."+base+".store-")
	return store, true, err
}

// storeWriters is how many files fillStore writes at once: file systems
// answer many small writes faster in parallel.
const storeWriters = 8

// fillStore adds files to a store. A new store is private until a bundle
// links it, so its files are written in place; in a shared one each file
// is written under a temporary name and renamed, and a file already there
// must have the same bytes, since published versions never change.
func fillStore(store string, files map[string][]byte, fresh bool) error {
	if err := os.Chmod(store, 0o755); err != nil {
		return err
	}
	// The files by folder, each folder written by one writer: a new store
	// is written through a descriptor of each folder, which spares the
	// kernel a walk of the whole path for each of tens of thousands of
	// files.
	byDir := map[string][]string{}
	for name := range files {
		rel, ok := strings.CutPrefix(name, "schemas/")
		if !ok {
			return fmt.Errorf("file %s is not below schemas/", name)
		}
		dir := filepath.Dir(filepath.Join(store, filepath.FromSlash(rel)))
		byDir[dir] = append(byDir[dir], name)
	}
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	work := make(chan string)
	errs := make(chan error, storeWriters)
	var wg sync.WaitGroup
	for range storeWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for dir := range work {
				if err := storeDir(store, dir, byDir[dir], files, fresh); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for _, d := range dirs {
		work <- d
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// storeDir writes the files names of one folder of the store.
func storeDir(store, dir string, names []string, files map[string][]byte, fresh bool) error {
	sort.Strings(names)
	if !fresh {
		for _, name := range names {
			if err := storeFile(store, name, files[name]); err != nil {
				return err
			}
		}
		return nil
	}
	w, err := openDir(dir)
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := w.writeNew(path.Base(name), files[name]); err != nil {
			w.close()
			return err
		}
	}
	return w.close()
}

func storeFile(store, name string, data []byte) error {
	p := filepath.Join(store, filepath.FromSlash(strings.TrimPrefix(name, "schemas/")))
	if old, err := os.ReadFile(p); err == nil {
		if !bytes.Equal(old, data) {
			return fmt.Errorf("%s in %s holds other bytes than the bundle's; published versions never change: remove the bundle's folder and compile again", name, store)
		}
		return nil
	}
	return writeAtomic(p, data)
}

// writeGeneration writes the manifest and version lists into a new
// directory beside the link and returns it.
func writeGeneration(parent, base, store string, b *Bundle) (string, error) {
	manifest, err := b.Manifest.Encode()
	if err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return "", err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	if err := os.Mkdir(filepath.Join(tmp, "versions"), 0o755); err != nil {
		return "", err
	}
	for i := range b.Manifest.Schemas {
		s := &b.Manifest.Schemas[i]
		dst := filepath.Join(tmp, filepath.FromSlash(VersionsFile(s.ID)))
		_, _, data, err := s.versionsRef(false)
		if err != nil {
			return "", err
		}
		if data == nil { // unchanged: the bundle it continues has the list
			src := filepath.Join(b.Base.path, filepath.FromSlash(VersionsFile(s.ID)))
			if err := os.Link(src, dst); err == nil {
				continue
			}
			if data, err = os.ReadFile(src); err != nil {
				return "", err
			}
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return "", err
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, ManifestFile), manifest, 0o644); err != nil {
		return "", err
	}
	// The generation directory sits beside the store: "../<store>".
	if err := os.Symlink(filepath.Join("..", filepath.Base(store)), filepath.Join(tmp, "schemas")); err != nil {
		return "", err
	}
	final := filepath.Join(parent, "."+base+"."+strings.TrimPrefix(b.Manifest.Generation, "sha256:")[:16]+"-"+randomSuffix())
	if err := os.Rename(tmp, final); err != nil {
		return "", err
	}
	ok = true
	return final, nil
}

// swapLink points the symbolic link dir at target, replacing what dir was.
func swapLink(dir, target string) error {
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	link := filepath.Join(parent, "."+base+".link-"+randomSuffix())
	if err := os.Symlink(target, link); err != nil {
		return err
	}
	if fi, err := os.Lstat(dir); err == nil && fi.IsDir() {
		// A bundle written as a plain directory by an older layout.
		old := filepath.Join(parent, "."+base+".old-"+randomSuffix())
		if err := os.Rename(dir, old); err != nil {
			os.Remove(link)
			return err
		}
		defer os.RemoveAll(old)
	}
	if err := os.Rename(link, dir); err != nil {
		os.Remove(link)
		return err
	}
	return syncDir(parent)
}

// prune removes the bundle directories beside dir other than the current
// and the previous one, the stores neither uses, and what killed writers
// left behind.
func prune(parent, base, current, previous string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	keep := map[string]bool{current: true, previous: true}
	for _, g := range []string{current, previous} {
		if target, err := os.Readlink(filepath.Join(parent, g, "schemas")); err == nil {
			keep[filepath.Base(target)] = true
		}
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, "."+base+".") || keep[name] {
			continue
		}
		os.RemoveAll(filepath.Join(parent, name))
	}
}

// writeAtomic writes a file under a temporary name, then renames it.
func writeAtomic(name string, data []byte) error {
	tmp := name + ".tmp-" + randomSuffix()
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func randomSuffix() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
