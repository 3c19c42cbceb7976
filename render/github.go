package render

import (
	"io"
	"strconv"

	"github.com/sethvargo/go-githubactions"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/internal/text"
)

// The levels of an Annotation.
const (
	LevelError   = "error"
	LevelWarning = "warning"
	LevelNotice  = "notice"
)

// Annotation is a finding GitHub shows on a line of a file: a workflow
// command such as "::error file=F,line=L,title=T::message". An empty File
// or a zero Line or Col is left out.
type Annotation struct {
	Level     string
	File      string
	Line, Col int
	Title     string
	Message   string
}

// Annotate writes annotations as workflow commands through a. It is the one
// annotation writer: the CLI's --format github and the Action use it.
// go-githubactions escapes what GitHub requires (% and line breaks, and : and
// , in properties); the other control characters of names and schema text
// are quoted here, so that nothing printed can rewrite the log around it.
func Annotate(a *githubactions.Action, anns ...Annotation) {
	for _, an := range anns {
		fields := map[string]string{}
		if an.Title != "" {
			fields["title"] = text.QuoteControl(an.Title)
		}
		if an.File != "" {
			fields["file"] = text.QuoteControl(an.File)
		}
		if an.Line > 0 {
			fields["line"] = strconv.Itoa(an.Line)
		}
		if an.Col > 0 {
			fields["col"] = strconv.Itoa(an.Col)
		}
		out := a.WithFieldsMap(fields)
		msg := text.QuoteControl(an.Message)
		switch an.Level {
		case LevelError:
			out.Errorf("%s", msg)
		case LevelWarning:
			out.Warningf("%s", msg)
		default:
			out.Noticef("%s", msg)
		}
	}
}

// diffAnnotations are the annotations of a diff of file: an error for each
// change that breaks the mode and a notice for each other one, at the
// change's line, which is always one of file's.
func diffAnnotations(file string, r compat.DiffResult) []Annotation {
	out := make([]Annotation, 0, len(r.Changes))
	for _, c := range r.Changes {
		an := Annotation{Level: LevelNotice, File: file, Line: c.Line, Title: c.Kind, Message: c.Message}
		if c.Breaking {
			an.Level, an.Title = LevelError, c.Kind+" breaks "+string(r.Mode)
		}
		out = append(out, an)
	}
	return out
}

// WriteGitHub writes a diff of file as workflow commands to w.
func WriteGitHub(w io.Writer, file string, r compat.DiffResult) error {
	return writeAnnotations(w, diffAnnotations(file, r))
}

// writeAnnotations writes annotations to w, all at once.
func writeAnnotations(w io.Writer, anns []Annotation) error {
	var b writeErr
	b.w = w
	Annotate(githubactions.New(githubactions.WithWriter(&b)), anns...)
	return b.err
}

// writeErr keeps the first error of the writes through it.
type writeErr struct {
	w   io.Writer
	err error
}

func (e *writeErr) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

// checkAnnotations are the annotations of a check report: its problems,
// its bumps that are too small, and the changes of every schema.
func checkAnnotations(r *compiler.CheckReport) []Annotation {
	var out []Annotation
	for _, s := range r.Schemas {
		switch s.Verdict {
		case compiler.VerdictInvalid:
			for _, p := range s.Problems {
				out = append(out, Annotation{Level: LevelError, File: p.Path, Line: p.Line, Title: "invalid schema", Message: p.Message})
			}
		case compiler.VerdictInvalidBump:
			out = append(out, Annotation{Level: LevelError, File: s.Path, Line: s.Line, Title: "version bump too small", Message: s.Message})
		}
		out = append(out, diffAnnotations(s.Path, s.Result(r.Policy))...)
	}
	return out
}
