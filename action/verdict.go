package action

import (
	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/compiler/document"
)

// outcome is what the action makes of one schema's report.
type outcome int

const (
	outcomeOK       outcome = iota // compatible, with a valid bump
	outcomeBreaking                // breaking, with the major bump it needs
	outcomeApproved                // breaking, major bump, override label on the pull request
	outcomeBlocked                 // breaking, major bump, but fail-on is breaking and there is no override
	outcomeBadBump                 // the version grew by less than the changes require
	outcomeInvalid                 // the file at head is not a valid schema
)

// judged is one schema's report with the action's decision on it.
type judged struct {
	*compiler.SchemaReport
	outcome outcome
	// fails is true when this schema fails the run.
	fails bool
	// commit is where the schema's file is linked and annotated: head, or
	// base for a deleted schema. doc is that file parsed, nil when it
	// cannot be, for the lines of the findings.
	commit string
	doc    *document.Document
}

// judgement is the decision on the whole pull request.
type judgement struct {
	report   *compiler.CheckReport
	base     string // the merge base the check started from
	schemas  []judged
	failOn   FailOn
	override string // the override label, when it is on the pull request
	failed   bool
}

// judge decides every schema's outcome and whether the run fails. labels
// are the pull request's labels; read returns the file at a commit.
func judge(report *compiler.CheckReport, cfg *Config, labels []string, read func(commit, path string) []byte) *judgement {
	j := &judgement{report: report, base: report.Base, failOn: cfg.FailOn}
	if cfg.OverrideLabel != "" {
		for _, l := range labels {
			if l == cfg.OverrideLabel {
				j.override = l
			}
		}
	}
	for i := range report.Schemas {
		s := &report.Schemas[i]
		js := judged{SchemaReport: s, commit: report.Head}
		if s.Status == compiler.StatusDeleted {
			js.commit = report.Base
		}
		switch {
		case s.Verdict == compiler.VerdictInvalid:
			js.outcome, js.fails = outcomeInvalid, true
		case s.Verdict == compiler.VerdictInvalidBump:
			js.outcome, js.fails = outcomeBadBump, cfg.FailOn != FailOnNever
		case s.Compatible:
			js.outcome = outcomeOK
		case j.override != "":
			js.outcome = outcomeApproved
		case cfg.FailOn == FailOnBreaking:
			js.outcome, js.fails = outcomeBlocked, true
		default:
			js.outcome = outcomeBreaking
		}
		if read != nil && js.outcome != outcomeInvalid {
			if data := read(js.commit, s.Path); data != nil {
				if d, err := document.ParseSchema(s.Path, data); err == nil {
					js.doc = d
				}
			}
		}
		j.failed = j.failed || js.fails
		j.schemas = append(j.schemas, js)
	}
	return j
}

// label is the managed label the pull request should carry: "" when no
// schema changed, or when an invalid schema leaves compatibility unknown.
func (j *judgement) label() string {
	switch {
	case len(j.schemas) == 0:
		return ""
	case j.report.Breaking:
		return LabelBreaking
	case j.has(outcomeInvalid):
		return ""
	}
	return LabelCompatible
}

func (j *judgement) has(o outcome) bool {
	for _, s := range j.schemas {
		if s.outcome == o {
			return true
		}
	}
	return false
}

// onlyDeletions reports whether some schema has outcome o and every one
// that has it is deleted.
func (j *judgement) onlyDeletions(o outcome) bool {
	n := 0
	for _, s := range j.schemas {
		if s.outcome == o {
			if s.Status != compiler.StatusDeleted {
				return false
			}
			n++
		}
	}
	return n > 0
}

// line returns the line at which to show a finding at pointer in the
// schema's file: the line of the pointer (or its nearest existing parent)
// in the linked file, else the compiler's.
func (s *judged) line(pointer string, fallback int) int {
	if s.doc != nil {
		if l := s.doc.Line(pointer); l > 0 {
			return l
		}
	}
	return fallback
}

// headline is the one-line verdict on the pull request.
func (j *judgement) headline() string {
	switch {
	case len(j.schemas) == 0:
		return "✅ No schema changes"
	case j.has(outcomeInvalid):
		return "❌ Invalid schema"
	case j.has(outcomeBadBump) && j.failed:
		return "❌ Version bump too small"
	case j.has(outcomeBadBump):
		return "⚠️ Version bump too small"
	case j.has(outcomeBlocked):
		return "❌ Breaking change"
	case j.onlyDeletions(outcomeBreaking):
		return "⚠️ Schema deleted"
	case j.has(outcomeBreaking):
		return "⚠️ Breaking change with a major version"
	case j.has(outcomeApproved):
		return "✅ Breaking change, approved"
	}
	return "✅ Compatible schema changes"
}

// verdictCell is a schema's verdict in the summary table.
func (s *judged) verdictCell() string {
	if s.Status == compiler.StatusDeleted {
		switch s.outcome {
		case outcomeBlocked:
			return "❌ deleted"
		case outcomeApproved:
			return "✅ deleted, approved"
		case outcomeBreaking:
			return "⚠️ deleted"
		}
	}
	switch s.outcome {
	case outcomeInvalid:
		return "❌ invalid schema"
	case outcomeBadBump:
		if s.fails {
			return "❌ bump too small"
		}
		return "⚠️ bump too small"
	case outcomeBlocked:
		return "❌ breaking"
	case outcomeBreaking:
		return "⚠️ breaking, major bump"
	case outcomeApproved:
		return "✅ breaking, approved"
	}
	return "✅ ok"
}
