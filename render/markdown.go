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
		name = MarkdownCode(file) + " "
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
	return fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s | %s |", mark, verdict, MarkdownCode(c.Kind),
		MarkdownCode(c.Path), line, yesNo(c.Backward), yesNo(c.Forward), MarkdownCell(c.Message))
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// MarkdownCell escapes text for a table cell or a paragraph of
// GitHub-flavoured Markdown: one line, with pipes, markup and HTML escaped,
// and what GitHub would make active in text from a schema made inert:
// @mentions (which notify people), bare URLs and www. names (which become
// links), broken with a zero-width space, and $ (which starts math). It is
// the one escaper of text for Markdown: the CLI's reports and the Action's
// comment and summary use it.
func MarkdownCell(s string) string {
	return markdownText.Replace(s)
}

var markdownText = strings.NewReplacer(
	"\\", "\\\\", "|", "\\|", "\r\n", "<br>", "\n", "<br>", "\r", "<br>",
	"<", "&lt;", ">", "&gt;", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]",
	"@", "@\u200b", "://", ":\u200b//", "www.", "www\u200b.", "$", "\\$",
)

// MarkdownCode is an inline code span of s that is safe in a table cell.
func MarkdownCode(s string) string {
	return "`" + markdownCode.Replace(s) + "`"
}

var markdownCode = strings.NewReplacer("`", "'", "|", "\\|", "\n", " ", "\r", " ")

// MarkdownLink is a Markdown link, or the text alone when url is "". The
// text is written as given: escape it first.
func MarkdownLink(text, url string) string {
	if url == "" {
		return text
	}
	return "[" + text + "](" + url + ")"
}
