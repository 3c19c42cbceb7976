package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/internal/text"
)

// The output formats of WriteDiff.
const (
	FormatText     = "text"     // a readable table
	FormatJSON     = "json"     // the DiffResult as JSON
	FormatMarkdown = "markdown" // a heading and a table, as the GitHub Action posts
	FormatGitHub   = "github"   // workflow commands: ::error for breaking changes, ::notice for the rest
)

// Formats returns the output formats WriteDiff knows.
func Formats() []string {
	return []string{FormatText, FormatJSON, FormatMarkdown, FormatGitHub}
}

// ParseFormat checks an output format name.
func ParseFormat(s string) (string, error) {
	for _, f := range Formats() {
		if s == f {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q; use %s", s, strings.Join(Formats(), ", "))
}

// WriteDiff writes a diff result in a format. file names the schema in
// headings and annotations. Text is written without colour; use WriteText
// for colour.
func WriteDiff(w io.Writer, format, file string, r compat.DiffResult) error {
	switch format {
	case FormatText, "":
		return WriteText(w, file, r, false)
	case FormatJSON:
		return WriteJSON(w, r)
	case FormatMarkdown:
		return WriteMarkdown(w, file, r)
	case FormatGitHub:
		return WriteGitHub(w, file, r)
	}
	_, err := ParseFormat(format)
	return err
}

// WriteJSON writes a diff result as indented JSON; an empty change list is
// written as [].
func WriteJSON(w io.Writer, r compat.DiffResult) error {
	if r.Changes == nil {
		r.Changes = []api.Change{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Summary is one line on a result: the verdict under its mode and policy,
// the required bump and the number of changes.
func Summary(r compat.DiffResult) string {
	verdict := "compatible"
	if !r.Compatible {
		verdict = "breaking"
	}
	n := len(r.Changes)
	return fmt.Sprintf("%s under %s (%s): %s bump required, %d %s", verdict, r.Mode, r.Policy, r.Bump, n, text.Plural(n, "change", "changes"))
}

// Verdict names how a change fares under the result's mode: "breaking",
// "annotation" or "compatible".
func Verdict(c api.Change) string {
	switch {
	case c.Breaking:
		return "breaking"
	case c.Annotation:
		return "annotation"
	}
	return "compatible"
}

// ANSI colours for the text format.
const (
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiDim   = "\x1b[90m" // grey: as long as the other codes, so columns stay aligned
	ansiBold  = "\x1b[1m"
	ansiReset = "\x1b[0m"
)

// WriteText writes a result as a heading line and a table of changes:
// line, verdict, kind, path and message. color adds ANSI colours; pass
// true only for a terminal or when asked.
func WriteText(w io.Writer, file string, r compat.DiffResult, color bool) error {
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return code + s + ansiReset
	}
	head := Summary(r)
	if r.Compatible {
		head = paint(ansiGreen, head)
	} else {
		head = paint(ansiRed+ansiBold, head)
	}
	if file != "" {
		head = file + ": " + head
	}
	if _, err := fmt.Fprintln(w, head); err != nil {
		return err
	}
	if len(r.Changes) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  LINE\tVERDICT\tKIND\tPATH\tMESSAGE")
	for _, c := range r.Changes {
		line := LineText(c)
		if line == "" {
			line = "-"
		}
		v := Verdict(c)
		switch v {
		case "breaking":
			v = paint(ansiRed, v)
		case "annotation":
			v = paint(ansiDim, v)
		default:
			v = paint(ansiGreen, v)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", line, v, c.Kind, c.Path, oneLine(c.Message))
	}
	return tw.Flush()
}

// LineText says where a change is: its line in the new file and, for
// something only the old file has, "(old N)" for its line there; "" when
// neither is known.
func LineText(c api.Change) string {
	var s string
	if c.Line > 0 {
		s = strconv.Itoa(c.Line)
	}
	if c.OldLine > 0 {
		s = strings.TrimSpace(s + " (old " + strconv.Itoa(c.OldLine) + ")")
	}
	return s
}

// oneLine keeps a message on one line.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(s)
}
