package action

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/text"
	"github.com/schemareg/schemareg/render"
)

// Result is what Run decided and did.
type Result struct {
	// Report is the check's report.
	Report *compiler.CheckReport
	// Failed is true when the verdict fails the run under Config.FailOn,
	// or a schema is invalid.
	Failed bool
	// Label is the managed label the pull request should carry, "" for none.
	Label string
	// Comment is the sticky comment as written; nil when there is none or
	// it could not be written.
	Comment *Comment
	// Notices say what GitHub refused to let the token write.
	Notices []string
}

// Run judges a pull request: it makes sure the checkout has the base and
// head commits, runs the check from their merge base to the head, and
// reports the verdict as annotations, outputs, the JSON report and the
// step summary, then labels the pull request and writes its sticky
// comment through gh (nil skips both).
//
// The error is not nil when the pull request could not be judged (see
// ErrMissingCommit), or when GitHub failed a request for a reason other
// than a refused token; a 403 only adds a notice. Result.Failed carries
// the verdict.
func Run(ctx context.Context, cfg Config, gh GitHub, logger *slog.Logger) (Result, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Actions == nil {
		return Result{}, errors.New("action: Config.Actions is not set")
	}
	if cfg.FailOn == "" {
		cfg.FailOn = FailOnInvalidBump
	}
	report, r, err := runCheck(ctx, &cfg, logger)
	if err != nil {
		cfg.Actions.WithFieldsMap(map[string]string{"title": "schemareg"}).Errorf("%s", err)
		if serr := writeSummary(cfg.Actions, renderFailure(err)); serr != nil {
			logger.ErrorContext(ctx, "step summary not written", "error", serr)
		}
		return Result{}, err
	}
	res := Result{Report: report}
	var errs []error
	if cfg.ReportPath != "" {
		if err := writeReport(cfg.ReportPath, report); err != nil {
			errs = append(errs, err)
		}
	}
	labels := currentLabels(ctx, &cfg, gh, logger)
	j := judge(report, &cfg, labels, r.readFile)
	res.Failed, res.Label = j.failed, j.label()

	rest := emit(cfg.Actions, annotations(j))
	if err := writeOutputs(cfg.Actions, outputs(j, cfg.ReportPath)); err != nil {
		errs = append(errs, err)
	}
	if err := writeSummary(cfg.Actions, renderReport(j, &cfg)+renderOverflow(rest, &cfg)); err != nil {
		errs = append(errs, err)
	}
	cfg.Actions.Infof("schemareg: %s (%d %s changed, required bump %s)", j.headline(), len(j.schemas),
		text.Plural(len(j.schemas), "schema", "schemas"), report.RequiredBump)

	if gh != nil {
		var failed []error
		res.Comment, res.Notices, failed = publish(ctx, &cfg, gh, j, labels, logger)
		errs = append(errs, failed...)
	}
	title := map[string]string{"title": "schemareg"}
	for _, n := range res.Notices {
		cfg.Actions.WithFieldsMap(title).Noticef("%s", n)
	}
	for _, err := range errs {
		cfg.Actions.WithFieldsMap(title).Errorf("%s", err)
	}
	if len(res.Notices) > 0 || len(errs) > 0 {
		notes := append([]string(nil), res.Notices...)
		for _, err := range errs {
			notes = append(notes, err.Error())
		}
		if err := writeSummary(cfg.Actions, renderNotes(notes)); err != nil {
			errs = append(errs, err)
		}
	}
	return res, errors.Join(errs...)
}

// publish labels the pull request and writes its comment, as the inputs
// ask. A 403 becomes a notice; other failures are returned.
func publish(ctx context.Context, cfg *Config, gh GitHub, j *judgement, labels []string, logger *slog.Logger) (*Comment, []string, []error) {
	var notices []string
	var errs []error
	refused := func(what string, err error) {
		if !IsForbidden(err) {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
			return
		}
		why := "GitHub refused the token, which may be read-only"
		if cfg.Fork {
			why = "the pull request comes from a fork, whose token is read-only"
		}
		notices = append(notices, fmt.Sprintf("%s: %s (%v). The verdict stands in this summary and in the exit code.", what, why, err))
	}
	if cfg.Labels {
		if err := syncLabels(ctx, gh, cfg.Number, j.label(), labels); err != nil {
			refused("labels not updated", err)
		}
	}
	var comment *Comment
	if cfg.Comment {
		c, how, err := syncComment(ctx, gh, cfg.Number, commentMarker(cfg.Workflow, cfg.Job), commentBody(j, cfg), len(j.schemas) > 0)
		if err != nil {
			refused("comment not written", err)
		} else {
			comment = c
			logger.InfoContext(ctx, "comment", "outcome", string(how))
		}
	}
	return comment, notices, errs
}

// runCheck opens the checkout, fetches missing commits and runs the check
// from the merge base of base and head.
func runCheck(ctx context.Context, cfg *Config, logger *slog.Logger) (*compiler.CheckReport, *repo, error) {
	r, err := openRepo(cfg.Workspace)
	if err != nil {
		return nil, nil, err
	}
	if err := r.ensureCommits(ctx, cfg.Fetch, cfg.Base, cfg.Head); err != nil {
		return nil, nil, err
	}
	base := r.mergeBase(cfg.Base, cfg.Head)
	if base != cfg.Base {
		logger.InfoContext(ctx, "checking from the merge base", "base", cfg.Base, "merge_base", base, "head", cfg.Head)
	}
	check := cfg.Check
	if check == nil {
		check = compiler.Check
	}
	opts := compiler.CheckOptions{Repo: cfg.Workspace, Dir: cfg.Dir, Base: base, Head: cfg.Head, Mode: cfg.Mode, Policy: cfg.Policy}
	if cfg.SinceBundle != "" {
		since, err := bundle.Open(cfg.SinceBundle)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			logger.InfoContext(ctx, "no bundle to continue from; walking the history from the root", "since_bundle", cfg.SinceBundle)
		case err != nil:
			logger.WarnContext(ctx, "the bundle to continue from is unusable; walking the history from the root", "since_bundle", cfg.SinceBundle, "error", err)
		default:
			opts.Since = since
		}
	}
	report, err := check(ctx, opts)
	if err != nil {
		if errors.Is(err, compiler.ErrRevisionNotFound) {
			return nil, nil, fmt.Errorf("check %s..%s: %w (%s)", text.Short(base), text.Short(cfg.Head), err, fetchHint)
		}
		return nil, nil, fmt.Errorf("check %s..%s: %w", text.Short(base), text.Short(cfg.Head), err)
	}
	for _, w := range report.Warnings {
		logger.WarnContext(ctx, w, "since_bundle", cfg.SinceBundle)
	}
	return report, r, nil
}

// currentLabels returns the pull request's labels as GitHub has them now,
// or as the event had them when they cannot be read.
func currentLabels(ctx context.Context, cfg *Config, gh GitHub, logger *slog.Logger) []string {
	if gh == nil || (!cfg.Labels && cfg.OverrideLabel == "") {
		return cfg.EventLabels
	}
	labels, err := gh.IssueLabels(ctx, cfg.Number)
	if err != nil {
		logger.WarnContext(ctx, "reading the labels; using the event's", "error", err)
		return cfg.EventLabels
	}
	return labels
}

// commentBody is the sticky comment: the marker, the report cut to fit,
// and a link to the run.
func commentBody(j *judgement, cfg *Config) string {
	body := commentMarker(cfg.Workflow, cfg.Job) + "\n" + renderReport(j, cfg)
	if cfg.RunURL != "" {
		body = strings.TrimRight(body, "\n") + "\n\n<sub>" + render.MarkdownLink("Full report in the run's step summary", cfg.RunURL) + "</sub>\n"
	}
	return fitComment(body, cfg.RunURL)
}
