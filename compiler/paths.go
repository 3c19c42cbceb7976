package compiler

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/internal/text"
)

// ErrNotRegularFile reports a path named on a command line that is not a
// regular file: a named pipe, a device, a socket or a folder where a file
// was expected. schemareg never opens one, so a pipe cannot block it and a
// device cannot feed it.
var ErrNotRegularFile = errors.New("not a regular file")

// ErrLinkLeaves reports a symbolic link, named on a command line, that
// points outside the repository (or the folder) it is in.
var ErrLinkLeaves = errors.New("symbolic link leaves the repository")

// Skipped is an entry a folder scan passed over without reading, and why.
type Skipped struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// ReadPaths reads the schema files that paths name: a file is read as
// ReadSchemaFile reads it (with base), a folder is walked for *.json files
// below it, skipping folders whose names start with a dot. A folder scan never follows a
// symbolic link and never opens anything but a regular file: each link
// and each *.json entry that is not a regular file is returned in skipped.
// Files larger than maxBytes (0 is DefaultMaxBytes) are read as
// maxBytes+1 bytes, which CheckTree refuses.
func ReadPaths(paths []string, base string, maxBytes int) (files []validate.File, skipped []Skipped, err error) {
	if maxBytes <= 0 {
		maxBytes = validate.DefaultMaxBytes
	}
	seen := map[string]bool{}
	add := func(p string, data []byte) {
		files = append(files, validate.File{Path: filepath.ToSlash(p), Data: data})
	}
	for _, root := range paths {
		root = filepath.Clean(root)
		if text.HasControl(root) {
			return nil, nil, fmt.Errorf("%s: %w; rename it", strconv.Quote(root), ErrControlInName)
		}
		walk, err := resolveArg(root, base)
		if err != nil {
			return nil, nil, err
		}
		fi, err := os.Stat(walk)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", root, unwrapPath(err))
		}
		if !fi.IsDir() {
			if seen[root] {
				continue
			}
			seen[root] = true
			data, err := readRegular(walk, root, maxBytes)
			if err != nil {
				return nil, nil, err
			}
			add(root, data)
			continue
		}
		err = filepath.WalkDir(walk, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			// Paths are shown below root as given, not below where a
			// linked root leads.
			shown := p
			if walk != root {
				rel, err := filepath.Rel(walk, p)
				if err != nil {
					return err
				}
				shown = filepath.Join(root, rel)
			}
			switch {
			case d.IsDir():
				if p != walk && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			case d.Type()&fs.ModeSymlink != 0:
				skipped = append(skipped, Skipped{Path: text.QuoteControl(filepath.ToSlash(shown)), Reason: "a symbolic link, never followed; commit the file itself"})
				return nil
			case !strings.HasSuffix(d.Name(), ".json"):
				return nil
			case !d.Type().IsRegular():
				skipped = append(skipped, Skipped{Path: text.QuoteControl(filepath.ToSlash(shown)), Reason: describeMode(d.Type()) + ", not a regular file"})
				return nil
			}
			if text.HasControl(shown) {
				return fmt.Errorf("%s: %w; rename it", strconv.Quote(filepath.ToSlash(shown)), ErrControlInName)
			}
			if seen[shown] {
				return nil
			}
			seen[shown] = true
			data, err := readRegular(p, shown, maxBytes)
			if err != nil {
				return err
			}
			add(shown, data)
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return files, skipped, nil
}

// ReadSchemaFile reads a file named on a command line, at most maxBytes+1
// bytes. It must be a regular file. base is where the user stands (the
// working folder, or the repository a command was given): a path inside
// base's Git repository (else inside base) may go through symbolic links,
// the file's or a folder's, only when they end inside it. A named pipe or
// a device is refused before it is opened, and once more from the open
// file, so one swapped in between is never read.
func ReadSchemaFile(path, base string, maxBytes int) ([]byte, error) {
	if text.HasControl(path) {
		return nil, fmt.Errorf("%s: %w; rename it", strconv.Quote(path), ErrControlInName)
	}
	target, err := resolveArg(path, base)
	if err != nil {
		return nil, err
	}
	return readRegular(target, path, maxBytes)
}

// resolveArg returns the path to open for path: path itself when no
// symbolic link is on the way, else where the links lead. A path inside
// the repository that holds base (or base itself) may go through links
// only when they end inside it; a path outside it may not be a link
// itself.
func resolveArg(path, base string) (string, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", fmt.Errorf("%s: a symbolic link that cannot be resolved: %w", path, unwrapPath(err))
	}
	if real == abs || real == filepath.Clean(path) {
		return path, nil
	}
	root := enclosingRoot(base)
	if !within(root, abs) {
		if fi.Mode()&fs.ModeSymlink != 0 {
			return "", fmt.Errorf("%s: %w %s; schemareg reads what a link points to only inside it: name the file itself", path, ErrLinkLeaves, root)
		}
		return path, nil
	}
	return linkInside(path, root)
}

// within reports whether path is root or below it, by name.
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// readRegular opens name, shown as path in errors, without blocking and
// reads it if it is a regular file.
func readRegular(name, path string, maxBytes int) ([]byte, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, notRegular(path, fi.Mode())
	}
	// O_NONBLOCK: a pipe put in the file's place since the Stat opens
	// at once instead of waiting for a writer, and is refused below.
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, notRegular(path, fi.Mode())
	}
	data, err := io.ReadAll(io.LimitReader(f, int64(maxBytes)+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}

// linkInside resolves the symbolic link path and returns what it points
// to when that stays inside root.
func linkInside(path, root string) (string, error) {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", fmt.Errorf("%s: a symbolic link that cannot be resolved: %w", path, unwrapPath(err))
	}
	top, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", fmt.Errorf("%s: %w", root, unwrapPath(err))
	}
	if top, err = filepath.Abs(top); err != nil {
		return "", err
	}
	if target, err = filepath.Abs(target); err != nil {
		return "", err
	}
	if !within(top, target) {
		return "", fmt.Errorf("%s: %w %s; schemareg reads what a link points to only inside it: commit the file itself instead of a link", path, ErrLinkLeaves, root)
	}
	return target, nil
}

// enclosingRoot returns the Git work tree that holds dir (the nearest
// folder above it with a .git entry), else dir itself. dir is where the
// user stands (the working folder, --repo), never a path from the
// repository's content.
func enclosingRoot(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	for d := abs; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return abs
		}
		d = parent
	}
}

func notRegular(path string, mode fs.FileMode) error {
	return fmt.Errorf("%s: %s, %w; schemareg reads schemas from regular files only", path, describeMode(mode), ErrNotRegularFile)
}

// describeMode names a kind of file for an error message.
func describeMode(mode fs.FileMode) string {
	switch {
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case mode&fs.ModeCharDevice != 0:
		return "a character device"
	case mode&fs.ModeDevice != 0:
		return "a device"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode.IsDir():
		return "a folder"
	case mode&fs.ModeSymlink != 0:
		return "a symbolic link"
	default:
		return "an irregular file"
	}
}

// unwrapPath drops the *fs.PathError's operation and path, which the
// caller's message already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ReadFiles reads the schema files named by paths: files as they are,
// folders walked for *.json. A file over maxBytes is not read whole: it is
// returned with maxBytes+1 bytes, enough for CheckTree to reject it. It is
// ReadPaths from the working folder, without the list of what was skipped.
func ReadFiles(paths []string, maxBytes int) ([]validate.File, error) {
	files, _, err := ReadPaths(paths, ".", maxBytes)
	return files, err
}
