package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sethvargo/go-githubactions"

	"github.com/schemareg/schemareg/action"
	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
)

// runAction is the GitHub Action: it judges the pull request of the
// workflow's event, annotates, labels and comments. Every flag defaults to
// the action's input of the same name (INPUT_SCHEMAS_DIR or
// INPUT_SCHEMAS-DIR); the token is read only from INPUT_GITHUB_TOKEN or
// GITHUB_TOKEN. Exit 0 when the verdict passes, 1 when it fails under
// -fail-on or the pull request cannot be judged, 2 on bad input.
func runAction(ctx context.Context, args []string, e *env) error {
	gha := githubactions.New(githubactions.WithGetenv(e.getenv), githubactions.WithWriter(e.stdout))
	input := func(name, def string) string {
		for _, n := range []string{name, strings.ReplaceAll(name, "-", "_")} {
			if v := gha.GetInput(n); v != "" {
				return v
			}
		}
		return def
	}
	reportDir := e.getenv("RUNNER_TEMP")
	if reportDir == "" {
		reportDir = os.TempDir()
	}
	fs := newFlagSet("action", "action [flags]", e)
	dir := fs.String("schemas-dir", input("schemas-dir", "schemas"), "the schemas folder in the repository")
	mode := choiceFlag(fs, "mode", input("mode", ""), "compatibility mode for every schema (default: each schema's own)", modeNames()...)
	policy := choiceFlag(fs, "policy", input("policy", ""), "policy for open content models, LENIENT or STRICT (default: LENIENT)", policyNames...)
	comment := choiceFlag(fs, "comment", input("comment", "true"), "write the sticky pull-request comment: true or false", "true", "false")
	labels := choiceFlag(fs, "labels", input("labels", "true"), "set the schema:breaking or schema:compatible label: true or false", "true", "false")
	failOn := choiceFlag(fs, "fail-on", input("fail-on", string(action.FailOnInvalidBump)), "what fails the run: invalid-bump, breaking or never",
		string(action.FailOnInvalidBump), string(action.FailOnBreaking), string(action.FailOnNever))
	override := fs.String("override-label", input("override-label", action.DefaultOverrideLabel), "the label that accepts a breaking change with a major bump")
	since := fs.String("since-bundle", input("since-bundle", ""), "a bundle of the base's history to walk it from (passed over when missing or unusable)")
	report := fs.String("report", filepath.Join(reportDir, "schemareg-report.json"), "where to write the JSON report")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	cfg := action.Config{Dir: *dir, OverrideLabel: *override, ReportPath: *report, SinceBundle: *since, Actions: gha}
	var err error
	if cfg.Comment, err = strconv.ParseBool(*comment); err != nil {
		return usageErrorf("invalid -comment %q (input comment): use true or false", *comment)
	}
	if cfg.Labels, err = strconv.ParseBool(*labels); err != nil {
		return usageErrorf("invalid -labels %q (input labels): use true or false", *labels)
	}
	if cfg.FailOn, err = action.ParseFailOn(*failOn); err != nil {
		return usageErrorf("invalid -fail-on (input fail-on): %v", err)
	}
	if *mode != "" {
		if cfg.Mode, err = document.ParseMode(*mode); err != nil {
			return usageErrorf("invalid -mode (input mode): %v", err)
		}
	}
	if *policy != "" {
		if cfg.Policy, err = compat.ParsePolicy(*policy); err != nil {
			return usageErrorf("invalid -policy (input policy): %v", err)
		}
	}

	ev, err := action.ReadEvent(e.getenv("GITHUB_EVENT_PATH"))
	if err != nil {
		return usageErrorf("action: %v", err)
	}
	ghctx, err := gha.Context()
	if err != nil {
		return usageErrorf("action: read the GitHub Actions environment: %v", err)
	}
	cfg.Repository = ghctx.Repository
	if cfg.Repository == "" {
		cfg.Repository = ev.BaseRepo
	}
	if strings.Count(cfg.Repository, "/") != 1 {
		return usageErrorf("action: GITHUB_REPOSITORY %q is not owner/name", cfg.Repository)
	}
	cfg.Number, cfg.Base, cfg.Head, cfg.EventLabels, cfg.Fork = ev.Number, ev.Base, ev.Head, ev.Labels, ev.Fork()
	cfg.Workspace = ghctx.Workspace
	if cfg.Workspace == "" {
		cfg.Workspace = "."
	}
	cfg.Workflow, cfg.Job, cfg.ServerURL = ghctx.Workflow, ghctx.Job, ghctx.ServerURL
	if ghctx.RunID > 0 {
		cfg.RunURL = fmt.Sprintf("%s/%s/actions/runs/%d", strings.TrimSuffix(ghctx.ServerURL, "/"), cfg.Repository, ghctx.RunID)
	}

	level := slog.LevelInfo
	if e.getenv("RUNNER_DEBUG") == "1" {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
	var gh action.GitHub
	if token := input("github-token", e.getenv("GITHUB_TOKEN")); token != "" {
		gh = action.NewClient(ghctx.APIURL, cfg.Repository, token, logger)
	} else if cfg.Comment || cfg.Labels {
		gha.WithFieldsMap(map[string]string{"title": "schemareg"}).Noticef("no github-token: the pull request gets no label and no comment")
	}
	res, err := action.Run(ctx, cfg, gh, logger)
	if err != nil {
		return err
	}
	if res.Failed {
		return exitWith(exitFailed)
	}
	return nil
}
