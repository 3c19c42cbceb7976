package dev

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/semver"
	"github.com/schemareg/schemareg/compiler/validate"
)

// watchWorkTree validates the schemas folder of the work tree whenever a
// file in it is saved, and diffs every file that differs from HEAD against
// its committed version. It only reports: nothing it sees is published.
func watchWorkTree(ctx context.Context, repo, dir string, log *slog.Logger) error {
	root := filepath.Join(repo, filepath.FromSlash(dir))
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer fw.Close()
	addTree := func() {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				fw.Add(p)
			}
			return nil
		})
	}
	addTree()
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-fw.Events:
			if !ok {
				return nil
			}
			if ev.Has(fsnotify.Create) {
				addTree()
			}
			if strings.HasSuffix(ev.Name, ".json") || ev.Has(fsnotify.Create) {
				timer = time.After(300 * time.Millisecond)
			}
		case err, ok := <-fw.Errors:
			if !ok {
				return nil
			}
			log.Warn("working tree watch", "error", err)
		case <-timer:
			timer = nil
			reportWorkTree(ctx, repo, dir, log)
		}
	}
}

// reportWorkTree logs what a commit of the work tree's schemas would do.
func reportWorkTree(ctx context.Context, repo, dir string, log *slog.Logger) {
	root := filepath.Join(repo, filepath.FromSlash(dir))
	files, err := compiler.ReadFiles([]string{root}, validate.DefaultMaxBytes)
	if err != nil {
		log.Warn("uncommitted: read the schemas folder", "error", err)
		return
	}
	docs, problems := validate.CheckTree(files, validate.TreeOptions{})
	for _, p := range problems {
		log.Warn("uncommitted: invalid", "problem", p.Error())
	}
	changed := 0
	for _, f := range files {
		rel, err := filepath.Rel(repo, filepath.FromSlash(f.Path))
		if err != nil {
			continue
		}
		rel = filepath.ToSlash(rel)
		old, err := compiler.ReadRevision(ctx, repo, "HEAD", rel, validate.DefaultMaxBytes)
		if err == nil && bytes.Equal(old, f.Data) {
			continue
		}
		changed++
		cur, ok := docs[f.Path]
		if !ok {
			continue // reported above
		}
		if errors.Is(err, compiler.ErrFileNotInRevision) {
			log.Info("uncommitted: new schema; commit it to publish", "file", rel, "id", cur.ID, "version", cur.Version.String())
			continue
		}
		if err != nil {
			log.Warn("uncommitted: read the committed version", "file", rel, "error", err)
			continue
		}
		prev, err := document.ParseDocument(rel, old)
		if err != nil {
			log.Info("uncommitted: the committed version does not parse", "file", rel, "error", err)
			continue
		}
		res := compat.Diff(prev, cur, compat.DiffOptions{})
		attrs := []any{"file", rel, "version", prev.Version.String() + " → " + cur.Version.String(),
			"required_bump", res.Bump.String(), "changes", len(res.Changes), "compatible", res.Compatible}
		if ok, msg, err := semver.CheckBump(prev.Version, cur.Version, res.Bump); !ok {
			if err != nil {
				msg = err.Error()
			}
			log.Warn("uncommitted: bump too small; a commit like this fails the check", append(attrs, "why", msg)...)
			continue
		}
		log.Info("uncommitted: valid; commit it to publish", attrs...)
	}
	if changed == 0 && len(problems) == 0 {
		log.Info("uncommitted: the schemas folder matches HEAD")
	}
}
