package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/text"
	"github.com/schemareg/schemareg/site"
)

func runSite(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("site", "site [-bundle DIR] [-out DIR] [flags]", e)
	bundleDir := fs.String("bundle", "build/bundle", "the bundle to render, as \"schemareg compile\" writes it")
	out := fs.String("out", "build/site", "the directory the site is written to; a run replaces it whole, or leaves it as it was")
	title := fs.String("title", site.DefaultTitle, "the site's name in every page's header")
	baseURL := fs.String("base-url", "", "the URL the site is served from, e.g. https://schemas.example.com/;\nsitemap.xml lists absolute URLs from it and 404.html links home to it")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("site takes no arguments, got %q; use -bundle and -out", fs.Args())
	}
	if *bundleDir == "" {
		return usageErrorf("-bundle (%s) is empty: name the bundle directory", envName("bundle"))
	}
	if *out == "" {
		return usageErrorf("-out (%s) is empty: name the directory to write the site to", envName("out"))
	}
	if *baseURL != "" && !validBaseURL(*baseURL) {
		return usageErrorf("invalid -base-url %q (%s): use an absolute http or https URL, or a path that starts with /",
			*baseURL, envName("base-url"))
	}
	b, err := bundle.Read(*bundleDir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return usageErrorf("site: %v; run \"schemareg compile\" first or set -bundle", err)
	case errors.Is(err, bundle.ErrCorrupt), errors.Is(err, bundle.ErrFormat):
		return usageErrorf("site: %v", err)
	case err != nil:
		return fmt.Errorf("site: %w", err)
	}
	stats, err := site.Generate(ctx, b, *out, site.Options{Title: *title, BaseURL: *baseURL})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote the site of %d %s and %d %s to %s: %d pages, %d files, %.1f MB\n",
		stats.Schemas, text.Plural(stats.Schemas, "schema", "schemas"), stats.Versions, text.Plural(stats.Versions, "version", "versions"),
		*out, stats.Pages, stats.Files, float64(stats.Bytes)/(1<<20))
	return nil
}

// validBaseURL reports whether s can prefix the site's URLs: an absolute
// http(s) URL or an absolute path, without a query or fragment.
func validBaseURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.RawQuery != "" || u.Fragment != "" {
		return false
	}
	if u.Scheme == "" && u.Host == "" {
		return strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//")
	}
	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
