package site

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/text"
)

// DefaultTitle names the site when Options.Title is empty.
const DefaultTitle = "Schema registry"

// Options configures Generate.
type Options struct {
	// Title names the site in every page's header; "" is DefaultTitle.
	Title string
	// BaseURL is where the site is served from, e.g.
	// "https://schemas.example.com/docs/" or "/docs/". sitemap.xml lists
	// its URLs from it (the sitemap protocol wants absolute ones, so give a
	// full URL for crawlers), and 404.html, which a CDN serves at any path,
	// links home to it. "" leaves the sitemap's URLs relative to the site
	// root and links 404.html to "/".
	BaseURL string
	// Workers bounds the schemas rendered at once; 0 is GOMAXPROCS.
	Workers int
	// Logger receives a line when the site is written; nil logs nothing.
	Logger *slog.Logger
	// Refusal, when set, is a compile of the repository newer than the
	// bundle that was refused: the index shows it in a banner.
	Refusal *Refusal
}

// Refusal is a compile attempt that published nothing: the site shows the
// bundle before it.
type Refusal struct {
	// Commit is the commit compiled, when known; Time when the attempt
	// ended, RFC 3339.
	Commit, Time string
	// Error says why, as the compiler or the syncer said it.
	Error string
}

// Stats counts what Generate wrote.
type Stats struct {
	Schemas  int
	Versions int
	// Pages counts the HTML pages, Files every file, Bytes their size.
	Pages int
	Files int
	Bytes int64
}

// Generate writes the site of a bundle to dir: it builds it in a temporary
// directory beside dir, then swaps it into place. dir must not exist, or be
// empty, or hold a site Generate wrote; on any error it is left as it was.
func Generate(ctx context.Context, b *bundle.Bundle, dir string, opts Options) (Stats, error) {
	if b == nil {
		return Stats{}, errors.New("generate site: no bundle")
	}
	if opts.Title == "" {
		opts.Title = DefaultTitle
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.BaseURL != "" && !strings.HasSuffix(opts.BaseURL, "/") {
		opts.BaseURL += "/"
	}
	dir = filepath.Clean(dir)
	if err := checkNames(&b.Manifest); err != nil {
		return Stats{}, fmt.Errorf("generate site %s: %w", dir, err)
	}
	r, err := newRenderer(opts.Title)
	if err != nil {
		return Stats{}, fmt.Errorf("generate site %s: %w", dir, err)
	}
	docs, err := newDocSet(b)
	if err != nil {
		return Stats{}, fmt.Errorf("generate site %s: %w", dir, err)
	}
	tmp, err := tempDir(dir)
	if err != nil {
		return Stats{}, fmt.Errorf("generate site %s: %w", dir, err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	g := &generation{b: b, opts: opts, r: r, docs: docs, out: &output{root: tmp}, dependents: dependentsOf(&b.Manifest)}
	if err := g.run(ctx); err != nil {
		return Stats{}, fmt.Errorf("generate site %s: %w", dir, err)
	}
	if err := swap(tmp, dir); err != nil {
		return Stats{}, fmt.Errorf("generate site %s: %w", dir, err)
	}
	done = true
	stats := g.stats()
	if opts.Logger != nil {
		opts.Logger.Info("site generated", "dir", dir, "schemas", stats.Schemas, "versions", stats.Versions,
			"pages", stats.Pages, "files", stats.Files, "bytes", stats.Bytes)
	}
	return stats, nil
}

// checkNames checks that every schema id and version can name a folder of
// the site, once: Read checks a bundle's names, but a bundle may be built in
// memory, and the site's own files take two ids.
func checkNames(m *bundle.Manifest) error {
	for i, s := range m.Schemas {
		if !bundle.ValidID(s.ID) {
			return fmt.Errorf("invalid schema id %q", s.ID)
		}
		if i > 0 && m.Schemas[i-1].ID >= s.ID {
			return fmt.Errorf("schemas not sorted by id, or twice, at %q", s.ID)
		}
		if s.ID == "index.html" || s.ID == "sitemap.xml" {
			return fmt.Errorf("schema id %q names a file of the site", s.ID)
		}
		for _, v := range s.Versions {
			if !validVersion(v.Version) {
				return fmt.Errorf("schema %s: invalid version %q", s.ID, v.Version)
			}
		}
	}
	return nil
}

// validVersion reports whether v is made of the characters of a semantic
// version and starts with a digit, as bundle.Read requires.
func validVersion(v string) bool {
	if len(v) > 128 || !startsWithDigit(v) {
		return false
	}
	for _, c := range v {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// generation is one run of Generate.
type generation struct {
	b    *bundle.Bundle
	opts Options
	r    *renderer
	docs *docSet
	out  *output
	// patterns caches the strings examples make up for patterns.
	patterns patternCache
	// schemas holds, per schema of the manifest, what the site-wide files
	// need once its pages are written.
	schemas []schemaResult
	// dependents maps each schema id to the schemas that depend on it.
	dependents map[string][]depView
}

// schemaResult is what the index, search and sitemap need of a schema.
type schemaResult struct {
	view    *schemaView
	search  searchEntry
	sitemap []sitemapURL
}

func (g *generation) stats() Stats {
	st := Stats{
		Schemas: len(g.b.Manifest.Schemas),
		Pages:   int(g.out.pages.Load()),
		Files:   int(g.out.files.Load()),
		Bytes:   g.out.bytes.Load(),
	}
	for _, s := range g.b.Manifest.Schemas {
		st.Versions += len(s.Versions)
	}
	return st
}

// run writes every schema's files on opts.Workers goroutines, then the
// files of the whole site.
func (g *generation) run(ctx context.Context) error {
	if err := g.out.mkdir(assetsDir, "api", "api/schema"); err != nil {
		return err
	}
	g.schemas = make([]schemaResult, len(g.b.Manifest.Schemas))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	for range min(g.opts.Workers, max(1, len(g.schemas))) {
		wg.Go(func() {
			for i := range jobs {
				if err := g.schema(ctx, i); err != nil {
					errOnce.Do(func() { firstErr = err })
					cancel()
				}
			}
		})
	}
feed:
	for i := range g.schemas {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return g.siteFiles()
}

// siteFiles writes the files that cover every schema: the index, 404.html,
// the sitemap, the mirror's schemas.json, _headers and the assets.
func (g *generation) siteFiles() error {
	views := make([]*schemaView, len(g.schemas))
	entries := make([]searchEntry, len(g.schemas))
	urls := []sitemapURL{{Path: "", LastMod: g.b.Manifest.Source.Time}}
	for i, s := range g.schemas {
		views[i], entries[i] = s.view, s.search
		urls = append(urls, s.sitemap...)
	}
	search, err := searchIndex(entries)
	if err != nil {
		return err
	}
	err = g.page(pageIndex, "index.html", &page{Root: "", Title: "Schemas", Schemas: views, Search: search,
		Source: g.b.Manifest.Source, Date: date(g.b.Manifest.Source.Time), ShortCommit: text.Short(g.b.Manifest.Source.Commit),
		Refusal: g.opts.Refusal})
	if err != nil {
		return err
	}
	home := g.opts.BaseURL
	if home == "" {
		home = "/"
	}
	notFound, err := g.r.renderNotFound(home)
	if err != nil {
		return err
	}
	schemas, err := SchemasJSON(&g.b.Manifest)
	if err != nil {
		return err
	}
	files := []struct {
		name string
		data []byte
	}{
		{notFoundPage, notFound},
		{mirrorSchemasPath(), schemas},
		{headersFile, headersRules(contentSecurityPolicy(g.r.style))},
		{".nojekyll", nil},
	}
	for _, f := range files {
		if err := g.out.write(f.name, f.data); err != nil {
			return err
		}
	}
	for _, a := range g.r.assets {
		if err := g.out.write(a.path, a.data); err != nil {
			return err
		}
	}
	return g.writeSitemaps(urls)
}
