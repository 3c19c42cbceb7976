package action

import (
	"context"
	"fmt"
	"strings"

	"github.com/sethvargo/go-githubactions"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
)

// FailOn says which verdicts fail the run.
type FailOn string

// The values of the fail-on input.
const (
	// FailOnInvalidBump fails when a schema's version grew by less than its
	// changes require. It is the default.
	FailOnInvalidBump FailOn = "invalid-bump"
	// FailOnBreaking also fails on a breaking change with a correct major
	// bump, unless the pull request carries the override label.
	FailOnBreaking FailOn = "breaking"
	// FailOnNever reports and never fails on a verdict. An invalid schema
	// still fails: it cannot be judged.
	FailOnNever FailOn = "never"
)

// ParseFailOn parses the fail-on input; "" is FailOnInvalidBump.
func ParseFailOn(s string) (FailOn, error) {
	switch f := FailOn(strings.ToLower(strings.TrimSpace(s))); f {
	case "":
		return FailOnInvalidBump, nil
	case FailOnInvalidBump, FailOnBreaking, FailOnNever:
		return f, nil
	}
	return "", fmt.Errorf("unknown fail-on %q; use invalid-bump, breaking or never", s)
}

// The labels the action manages, and the default override label.
const (
	LabelBreaking        = "schema:breaking"
	LabelCompatible      = "schema:compatible"
	DefaultOverrideLabel = "schema:breaking-approved"
)

// CheckFunc judges the schema changes between two commits; compiler.Check
// is the one the command uses.
type CheckFunc func(ctx context.Context, opts compiler.CheckOptions) (*compiler.CheckReport, error)

// FetchFunc makes the commits available in the repository at dir.
type FetchFunc func(ctx context.Context, dir string, commits ...string) error

// Config is everything Run needs: the pull request, the inputs and where
// the results go. The command builds it from the GitHub Actions environment.
type Config struct {
	// Repository is "owner/name"; Number the pull request's number.
	Repository string
	Number     int
	// Base and Head are the pull request's base and head commits, from the
	// event (not GITHUB_SHA, the merge commit).
	Base, Head string
	// EventLabels are the pull request's labels in the event, used when
	// the current ones cannot be read.
	EventLabels []string
	// Fork is true for a pull request from another repository, whose
	// workflow token is read-only.
	Fork bool

	// Workspace is the repository checkout; Dir the schemas folder in it,
	// "schemas" when empty.
	Workspace string
	Dir       string
	// Mode and Policy override every schema's own when not empty.
	Mode   document.Mode
	Policy compat.Policy

	// Comment and Labels turn the sticky comment and the labels on.
	Comment bool
	Labels  bool
	FailOn  FailOn
	// OverrideLabel, when on the pull request, accepts a breaking change
	// with a correct major bump without further noise.
	OverrideLabel string

	// Workflow and Job scope the sticky comment's marker.
	Workflow, Job string
	// ServerURL is the web address of GitHub, for links; RunURL the
	// address of this run, whose page shows the step summary.
	ServerURL string
	RunURL    string
	// ReportPath is where the JSON report is written; none when empty.
	ReportPath string
	// SinceBundle, when set, is a folder that may hold a bundle compiled at
	// a commit of the base's history: the check walks the history from it.
	// A missing or unusable one is passed over, with a log line.
	SinceBundle string

	// Actions writes annotations to stdout and outputs and the step
	// summary to their files.
	Actions *githubactions.Action
	// Check judges the changes; nil is compiler.Check.
	Check CheckFunc
	// Fetch is called when Base or Head is not in the checkout; nil runs
	// "git fetch origin".
	Fetch FetchFunc
}

// schemasDir returns the schemas folder.
func (c *Config) schemasDir() string {
	if c.Dir == "" {
		return "schemas"
	}
	return c.Dir
}

// blobURL is the web address of a file at a commit, at a line when line > 0.
func (c *Config) blobURL(commit, path string, line int) string {
	if c.ServerURL == "" || c.Repository == "" || commit == "" {
		return ""
	}
	u := strings.TrimSuffix(c.ServerURL, "/") + "/" + c.Repository + "/blob/" + commit + "/" + escapePath(path)
	if line > 0 {
		u += fmt.Sprintf("#L%d", line)
	}
	return u
}
