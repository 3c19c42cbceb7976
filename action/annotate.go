package action

import (
	"fmt"
	"strings"

	"github.com/sethvargo/go-githubactions"

	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/internal/text"
	"github.com/schemareg/schemareg/render"
)

// maxAnnotations is how many annotations of each level GitHub shows for a
// step; the action lists the rest in the step summary.
const maxAnnotations = 10

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
		level := render.LevelWarning
		if s.fails {
			level = render.LevelError
		}
		switch s.outcome {
		case outcomeInvalid:
			for _, p := range s.Problems {
				file := p.Path
				if file == "" {
					file = s.Path
				}
				out = append(out, annotation{render.LevelError, file, s.commit, p.Line, p.Col, "Invalid schema " + s.ID, p.Message})
			}
			if len(s.Problems) == 0 {
				out = append(out, annotation{render.LevelError, s.Path, s.commit, 0, 0, "Invalid schema " + s.ID, s.Message})
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
		render.Annotate(a, render.Annotation{Level: an.level, File: an.file, Line: an.line, Col: an.col, Title: an.title, Message: an.message})
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
		len(rest), text.Plural(len(rest), "finding", "findings"), maxAnnotations)
	b.WriteString("| Level | Location | Finding |\n|---|---|---|\n")
	for _, an := range rest {
		where := render.MarkdownCode(an.file)
		if an.line > 0 {
			where = render.MarkdownLink(render.MarkdownCode(fmt.Sprintf("%s:%d", an.file, an.line)), cfg.blobURL(an.commit, an.file, an.line))
		}
		fmt.Fprintf(&b, "| %s | %s | **%s**: %s |\n", an.level, where, render.MarkdownCell(an.title), render.MarkdownCell(an.message))
	}
	return b.String()
}
