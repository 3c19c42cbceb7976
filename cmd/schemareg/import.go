package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/schemareg/schemareg/server/confluent"
)

// runImport reads a Confluent-compatible registry and writes its JSON
// schemas as Git history: one commit per version in global id order, then
// compiles it. --dry-run prints the plan only.
func runImport(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("import", "import --from URL [flags]", e)
	from := fs.String("from", "", "base `URL` of a Confluent-compatible registry (Confluent, Karapace, Apicurio's ccompat, schemareg's /confluent)")
	subjects := fs.String("subjects", "", "import only the subjects this `regex` matches (default: all)")
	repo := fs.String("repo", ".", "the Git repository to write; created when missing")
	dir := fs.String("dir", "schemas", "the schemas folder inside the repository")
	dryRun := fs.Bool("dry-run", false, "print the plan, write nothing")
	author := fs.String("author", "schemareg import <import@schemareg.invalid>", `author of the commits, "Name <email>"`)
	timeout := fs.Duration("timeout", time.Minute, "the deadline of each request to the registry")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("import takes no arguments, got %q", fs.Args())
	}
	u, err := url.Parse(*from)
	if *from == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageErrorf("import: --from %q must be a registry's http(s) URL, e.g. http://localhost:8081", *from)
	}
	var match *regexp.Regexp
	if *subjects != "" {
		if match, err = regexp.Compile(*subjects); err != nil {
			return usageErrorf("import: --subjects: %v", err)
		}
	}
	name, email, ok := splitAuthor(*author)
	if !ok {
		return usageErrorf("import: --author %q must be \"Name <email>\"", *author)
	}
	src := &confluent.Source{URL: *from, HTTP: &http.Client{Timeout: *timeout}}
	subs, err := src.Subjects(ctx, match)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	plan, err := confluent.PlanImport(subs, *dir)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	for _, s := range plan.Skipped {
		fmt.Fprintf(e.stdout, "skip %s: %s schemas are not imported, only JSON\n", s.Name, s.Type)
	}
	for _, st := range plan.Steps {
		fmt.Fprintf(e.stdout, "commit %s %s  subject %s version %d, id %d, %s, bump %s\n", st.Path, st.SemVer, st.Subject, st.Version, st.GlobalID, st.Mode, st.Bump)
	}
	if *dryRun {
		fmt.Fprintf(e.stdout, "dry run: %d commits planned, nothing written\n", len(plan.Steps))
		return nil
	}
	res, err := confluent.CommitImport(ctx, plan, confluent.CommitOptions{Repo: *repo, From: *from, Author: name, Email: email, When: time.Now().UTC().Truncate(time.Second)})
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	fmt.Fprintf(e.stdout, "imported %d versions into %s; compiled: generation %s\n", len(plan.Steps), *repo, res.Bundle.Manifest.Generation)
	return nil
}

// splitAuthor splits "Name <email>".
func splitAuthor(s string) (name, email string, ok bool) {
	m := regexp.MustCompile(`^\s*(.+?)\s*<([^<>\s]+)>\s*$`).FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}
