package main

import (
	"io"
	"strings"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/internal/text"
)

// quoteName writes a file name so that it prints on one line.
func quoteName(name string) string { return text.QuoteControl(name) }

// safeLine escapes the control characters of one line of output, so that
// text taken from a schema or a file name cannot end the line and start
// another (a forged "::error" workflow command in a CI log).
func safeLine(s string) string { return text.QuoteControl(s) }

// lineSafeWriter passes text output through, escaping every control
// character except the line breaks and tabs that the output's own layout
// uses: a carriage return, an escape sequence or a Unicode line separator
// from a schema never reaches the terminal or the CI log.
type lineSafeWriter struct{ w io.Writer }

// Write escapes p's control characters and writes it; it reports len(p)
// on success.
func (s lineSafeWriter) Write(p []byte) (int, error) {
	out := string(p)
	if !text.HasControl(strings.NewReplacer("\n", "", "\t", "").Replace(out)) {
		return s.w.Write(p)
	}
	var b strings.Builder
	for i, part := range strings.Split(out, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		fields := strings.Split(part, "\t")
		for j, f := range fields {
			if j > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(text.QuoteControl(f))
		}
	}
	if _, err := io.WriteString(s.w, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// printableChanges returns a copy of changes with the control characters
// of their pointers and messages escaped: a property name holding a line
// break prints on one line.
func printableChanges(cs []api.Change) []api.Change {
	out := make([]api.Change, len(cs))
	for i, c := range cs {
		c.Path, c.Message = text.QuoteControl(c.Path), text.QuoteControl(c.Message)
		out[i] = c
	}
	return out
}

// printableDiff returns r ready for a text, Markdown or GitHub output;
// JSON escapes what it prints by itself.
func printableDiff(r compat.DiffResult) compat.DiffResult {
	r.Changes = printableChanges(r.Changes)
	return r
}

// printableCheck returns a copy of r ready for a text, Markdown or GitHub
// output.
func printableCheck(r *compiler.CheckReport) *compiler.CheckReport {
	c := *r
	c.Schemas = make([]compiler.SchemaReport, len(r.Schemas))
	for i, s := range r.Schemas {
		s.Path, s.OldPath = text.QuoteControl(s.Path), text.QuoteControl(s.OldPath)
		s.Message, s.Notice = text.QuoteControl(s.Message), text.QuoteControl(s.Notice)
		s.Changes = printableChanges(s.Changes)
		problems := make([]document.Problem, len(s.Problems))
		for j, p := range s.Problems {
			p.Path, p.Message = text.QuoteControl(p.Path), text.QuoteControl(p.Message)
			problems[j] = p
		}
		if s.Problems != nil {
			s.Problems = problems
		}
		if s.Dependents != nil {
			deps := make([]compiler.DependentReport, len(s.Dependents))
			for j, d := range s.Dependents {
				d.Message = text.QuoteControl(d.Message)
				deps[j] = d
			}
			s.Dependents = deps
		}
		c.Schemas[i] = s
	}
	return &c
}
