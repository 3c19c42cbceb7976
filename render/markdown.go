package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/compat"
)

// WriteMarkdown writes a result as a heading and, when there are changes, a
// table of them: what the GitHub Action posts for each schema.
func WriteMarkdown(w io.Writer, file string, r compat.DiffResult) error {
	if _, err := fmt.Fprintf(w, "%s\n\n", MarkdownHeading(file, r)); err != nil {
		return err
	}
	if len(r.Changes) == 0 {
		_, err := fmt.Fprintln(w, "No changes.")
		return err
	}
	return WriteMarkdownTable(w, r.Changes)
}

// MarkdownHeading is a level-3 heading naming the file, the verdict, the
// mode and the bump.
func MarkdownHeading(file string, r compat.DiffResult) string {
	mark := "✅ compatible"
	if !r.Compatible {
		mark = "❌ **breaking**"
	}
	name := ""
	if file != "" {
		name = "`" + MarkdownCode(file) + "` "
	}
	return fmt.Sprintf("### %s%s under %s (%s) · %s bump", name, mark, r.Mode, r.Policy, r.Bump)
}

// WriteMarkdownTable writes changes as a Markdown table: verdict, kind,
// path, line, backward, forward and message. Breaking rows are marked ❌
// and their verdict is bold.
func WriteMarkdownTable(w io.Writer, changes []api.Change) error {
	var b strings.Builder
	b.WriteString("| | Verdict | Kind | Path | Line | Backward | Forward | Message |\n")
	b.WriteString("|---|---|---|---|---:|:---:|:---:|---|\n")
	for _, c := range changes {
		b.WriteString(MarkdownRow(c))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// MarkdownRow is one change as a row of the WriteMarkdownTable table,
// without the line break.
func MarkdownRow(c api.Change) string {
	mark, verdict := "", Verdict(c)
	switch verdict {
	case "breaking":
		mark, verdict = "❌", "**breaking**"
	case "annotation":
		mark = "📝"
	default:
		mark = "✅"
	}
	line := LineText(c)
	return fmt.Sprintf("| %s | %s | `%s` | `%s` | %s | %s | %s | %s |", mark, verdict, MarkdownCode(c.Kind),
		MarkdownCode(c.Path), line, yesNo(c.Backward), yesNo(c.Forward), MarkdownCell(c.Message))
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// MarkdownCell escapes text for a table cell: pipes, line breaks and the
// characters Markdown would read as markup or HTML.
func MarkdownCell(s string) string {
	return strings.NewReplacer(
		"\\", "\\\\", "|", "\\|", "\r\n", "<br>", "\n", "<br>", "\r", "<br>",
		"<", "&lt;", ">", "&gt;", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]",
	).Replace(s)
}

// MarkdownCode makes text safe inside a `code span` in a table cell.
func MarkdownCode(s string) string {
	return strings.NewReplacer("`", "'", "|", "\\|", "\n", " ", "\r", " ").Replace(s)
}
