package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/internal/text"
)

// WriteCheck writes a check report in a format of Formats: text (color
// when asked), json, markdown or github workflow commands.
func WriteCheck(w io.Writer, format string, r *compiler.CheckReport, color bool) error {
	switch format {
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case FormatMarkdown:
		return writeCheckMarkdown(w, r)
	case FormatGitHub:
		return writeCheckGitHub(w, r)
	case FormatText, "":
		return writeCheckText(w, r, color)
	}
	_, err := ParseFormat(format)
	return err
}

// CheckHeadline is one line on a schema's verdict, e.g.
// "ticks_v1: 1.0.0 → 1.1.0, minor bump (needs minor): ok".
func CheckHeadline(s compiler.SchemaReport) string {
	var b strings.Builder
	b.WriteString(s.ID)
	switch s.Status {
	case compiler.StatusAdded:
		fmt.Fprintf(&b, ": new at %s", orDash(s.NewVersion))
	case compiler.StatusDeleted:
		fmt.Fprintf(&b, ": deleted at %s", s.OldVersion)
	default:
		fmt.Fprintf(&b, ": %s → %s", orDash(s.OldVersion), orDash(s.NewVersion))
		if s.Verdict != compiler.VerdictInvalid {
			fmt.Fprintf(&b, ", %s bump (needs %s)", s.Bump, s.RequiredBump)
		}
	}
	if s.Status == compiler.StatusRenamed {
		fmt.Fprintf(&b, ", moved from %s", s.OldPath)
	}
	fmt.Fprintf(&b, ": %s", s.Verdict)
	if !s.Compatible && s.Verdict == compiler.VerdictOK {
		b.WriteString(" (breaking)")
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// CheckSummary is the last line of a report.
func CheckSummary(r *compiler.CheckReport) string {
	if len(r.Schemas) == 0 {
		return "no schema changed"
	}
	bad := 0
	for _, s := range r.Schemas {
		if s.Verdict != compiler.VerdictOK {
			bad++
		}
	}
	verdict := "every bump is valid"
	if bad > 0 {
		verdict = fmt.Sprintf("%d %s", bad, text.Plural(bad, "schema fails", "schemas fail"))
	}
	brk := "no breaking change"
	if r.Breaking {
		brk = "breaking changes"
	}
	return fmt.Sprintf("%d %s changed: %s; %s; required bump %s", len(r.Schemas), text.Plural(len(r.Schemas), "schema", "schemas"), verdict, brk, r.RequiredBump)
}

func writeCheckText(w io.Writer, r *compiler.CheckReport, color bool) error {
	for _, s := range r.Schemas {
		if _, err := fmt.Fprintf(w, "%s\n  %s\n", CheckHeadline(s), s.Message); err != nil {
			return err
		}
		if s.Notice != "" {
			fmt.Fprintf(w, "  notice: %s\n", s.Notice)
		}
		for _, p := range s.Problems {
			fmt.Fprintf(w, "  %s\n", p.Error())
		}
		if len(s.Changes) > 0 {
			if err := WriteText(w, s.Path, s.Result(r.Policy), color); err != nil {
				return err
			}
		}
		for _, d := range s.Dependents {
			fmt.Fprintf(w, "  dependent: %s\n", d.Message)
		}
		fmt.Fprintln(w)
	}
	_, err := fmt.Fprintln(w, CheckSummary(r))
	return err
}

func writeCheckMarkdown(w io.Writer, r *compiler.CheckReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**\n\n", MarkdownCell(CheckSummary(r)))
	for _, s := range r.Schemas {
		fmt.Fprintf(&b, "### %s %s\n\n%s\n\n", markdownVerdict(s), MarkdownCode(s.ID), MarkdownCell(s.Message))
		fmt.Fprintf(&b, "| file | version | bump | required | mode |\n|---|---|---|---|---|\n| %s | %s → %s | %s | %s | %s |\n\n",
			MarkdownCode(s.Path), orDash(s.OldVersion), orDash(s.NewVersion), s.Bump, s.RequiredBump, s.Mode)
		for _, p := range s.Problems {
			fmt.Fprintf(&b, "- %s\n", MarkdownCode(p.Error()))
		}
		if len(s.Changes) > 0 {
			if err := WriteMarkdownTable(&b, s.Changes); err != nil {
				return err
			}
			b.WriteString("\n")
		}
		WriteDependentsMarkdown(&b, s)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func markdownVerdict(s compiler.SchemaReport) string {
	switch {
	case s.Verdict != compiler.VerdictOK:
		return "❌"
	case !s.Compatible:
		return "⚠️"
	}
	return "✅"
}

func writeCheckGitHub(w io.Writer, r *compiler.CheckReport) error {
	return writeAnnotations(w, checkAnnotations(r))
}

// WriteDependentsMarkdown writes the table of a schema's dependents: each
// stays pinned, and what adopting the new version would mean for it. The
// check report and the Action's comment share it.
func WriteDependentsMarkdown(b *strings.Builder, s compiler.SchemaReport) {
	if len(s.Dependents) == 0 {
		return
	}
	fmt.Fprintf(b, "Schemas that refer to %s stay pinned to the version they were published with:\n\n", MarkdownCode(s.ID))
	b.WriteString("| dependent | pinned to | adopting " + MarkdownCell(s.NewVersion) + " | mode | details |\n|---|---|---|---|---|\n")
	for _, d := range s.Dependents {
		adopt := "✅ compatible, " + d.Bump.Describe()
		if !d.Compatible {
			adopt = "💥 breaking, needs a major bump"
		}
		fmt.Fprintf(b, "| %s %s | %s | %s | %s | %s |\n", MarkdownCode(d.ID), MarkdownCell(d.Version), MarkdownCell(d.Pinned), adopt, d.Mode, MarkdownCell(d.Message))
	}
	b.WriteString("\n")
}
