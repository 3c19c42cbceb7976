package action

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sethvargo/go-githubactions"

	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/internal/text"
)

// maxAnnotations is how many annotations of each level GitHub shows for a
// step; the action lists the rest in the step summary.
const maxAnnotations = 10

// The annotation levels.
const (
	levelError   = "error"
	levelWarning = "warning"
	levelNotice  = "notice"
)

// annotation is a finding shown on a line of a file in the pull request.
type annotation struct {
	level     string
	file      string
	commit    string // where file is linked: head, or base for a deleted schema
	line, col int
	title     string
	message   string
}

// annotations lists the findings of a judgement: errors for what fails
// the run, warnings for breaking changes it accepts, nothing for changes
// the override label approved.
func annotations(j *judgement) []annotation {
	var out []annotation
	for i := range j.schemas {
		s := &j.schemas[i]
		level := levelWarning
		if s.fails {
			level = levelError
		}
		switch s.outcome {
		case outcomeInvalid:
			for _, p := range s.Problems {
				file := p.Path
				if file == "" {
					file = s.Path
				}
				out = append(out, annotation{levelError, file, s.commit, p.Line, p.Col, "Invalid schema " + s.ID, p.Message})
			}
			if len(s.Problems) == 0 {
				out = append(out, annotation{levelError, s.Path, s.commit, 0, 0, "Invalid schema " + s.ID, s.Message})
			}
		case outcomeBadBump:
			msg := s.Message
			if msg == "" {
				msg = fmt.Sprintf("the version makes a %s bump; the changes need %s", s.Bump, s.RequiredBump)
			}
			line := s.Line
			if line == 0 {
				line = s.line("#/"+document.FieldVersion, 0)
			}
			out = append(out, annotation{level, s.Path, s.commit, line, 0, "Version bump too small: " + s.ID, msg})
			out = append(out, breakingAnnotations(s, level, "")...)
		case outcomeBlocked:
			out = append(out, breakingAnnotations(s, level, "fail-on is breaking")...)
		case outcomeBreaking:
			out = append(out, breakingAnnotations(s, level, "accepted with a major version")...)
		}
	}
	return out
}

// breakingAnnotations annotates each breaking change of a schema, or the
// file when the schema's breaking change is not a listed change (deleted).
func breakingAnnotations(s *judged, level, why string) []annotation {
	var out []annotation
	suffix := ""
	if why != "" {
		suffix = " (" + why + ")"
	}
	for _, c := range s.Changes {
		if !c.Breaking {
			continue
		}
		out = append(out, annotation{level, s.Path, s.commit, s.line(c.Path, c.Line), 0,
			"Breaking change in " + s.ID + ": " + c.Kind, c.Message + " at " + c.Path + suffix})
	}
	if len(out) == 0 && !s.Compatible {
		out = append(out, annotation{level, s.Path, s.commit, 0, 0, "Breaking change in " + s.ID, s.Message + suffix})
	}
	return out
}

// emit writes the first maxAnnotations of each level as workflow commands
// and returns the ones GitHub would not show.
func emit(a *githubactions.Action, anns []annotation) []annotation {
	count := map[string]int{}
	var rest []annotation
	for _, an := range anns {
		count[an.level]++
		if count[an.level] > maxAnnotations {
			rest = append(rest, an)
			continue
		}
		// go-githubactions escapes line breaks; the other control
		// characters of names and schema text are escaped here, so that
		// nothing printed can rewrite the log around the annotation.
		fields := map[string]string{"title": text.QuoteControl(an.title)}
		if an.file != "" {
			fields["file"] = text.QuoteControl(an.file)
		}
		if an.line > 0 {
			fields["line"] = strconv.Itoa(an.line)
		}
		if an.col > 0 {
			fields["col"] = strconv.Itoa(an.col)
		}
		out := a.WithFieldsMap(fields)
		msg := text.QuoteControl(an.message)
		switch an.level {
		case levelError:
			out.Errorf("%s", msg)
		case levelWarning:
			out.Warningf("%s", msg)
		default:
			out.Noticef("%s", msg)
		}
	}
	return rest
}

// renderOverflow lists the annotations GitHub does not show, for the step
// summary.
func renderOverflow(rest []annotation, cfg *Config) string {
	if len(rest) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n#### %d more %s\n\nGitHub shows %d annotations of each level per step; these did not fit.\n\n",
		len(rest), plural(len(rest), "finding", "findings"), maxAnnotations)
	b.WriteString("| Level | Location | Finding |\n|---|---|---|\n")
	for _, an := range rest {
		where := code(an.file)
		if an.line > 0 {
			where = link(code(fmt.Sprintf("%s:%d", an.file, an.line)), cfg.blobURL(an.commit, an.file, an.line))
		}
		fmt.Fprintf(&b, "| %s | %s | **%s**: %s |\n", an.level, where, cell(an.title), cell(an.message))
	}
	return b.String()
}
