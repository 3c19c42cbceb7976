package action

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/internal/text"
	"github.com/schemareg/schemareg/render"
)

// maxCommentBytes is GitHub's limit on a comment body, 65,536 characters;
// counting bytes keeps any body within it.
const maxCommentBytes = 65536

// renderReport writes the markdown the comment and the step summary share:
// the headline, a table of every changed schema and, for each, its message,
// changes and problems with links to their lines.
func renderReport(j *judgement, cfg *Config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### schemareg: %s\n\n", j.headline())
	if len(j.schemas) == 0 {
		fmt.Fprintf(&b, "This pull request changes no schema in %s (%s).\n", render.MarkdownCode(cfg.schemasDir()+"/"), commitRange(j, cfg))
		return b.String()
	}
	fmt.Fprintf(&b, "%d %s changed · required bump: **%s** · %s", len(j.schemas), text.Plural(len(j.schemas), "schema", "schemas"),
		j.report.RequiredBump, commitRange(j, cfg))
	if j.override != "" && (j.has(outcomeApproved) || j.report.Breaking) {
		fmt.Fprintf(&b, " · override: %s", render.MarkdownCode(j.override))
	}
	b.WriteString("\n\n")
	b.WriteString("| Schema | Status | Version | Bump | Required | Verdict |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for i := range j.schemas {
		s := &j.schemas[i]
		bump, required := s.Bump.String(), s.RequiredBump.String()
		if s.Status == compiler.StatusAdded || s.Status == compiler.StatusDeleted {
			bump, required = "—", "—"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", render.MarkdownLink(render.MarkdownCode(s.ID), cfg.blobURL(s.commit, s.Path, 0)), s.Status,
			versionCell(s.SchemaReport), bump, required, s.verdictCell())
	}
	for i := range j.schemas {
		renderSchema(&b, &j.schemas[i], cfg)
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// renderSchema writes one schema's section: message, notice, problems and
// changes.
func renderSchema(b *strings.Builder, s *judged, cfg *Config) {
	if s.Message == "" && s.Notice == "" && len(s.Changes) == 0 && len(s.Problems) == 0 && len(s.Dependents) == 0 {
		return
	}
	fmt.Fprintf(b, "\n#### %s · %s\n\n", render.MarkdownCode(s.ID), render.MarkdownLink(render.MarkdownCode(s.Path), cfg.blobURL(s.commit, s.Path, 0)))
	if s.OldPath != "" && s.OldPath != s.Path {
		fmt.Fprintf(b, "Moved from %s.\n\n", render.MarkdownCode(s.OldPath))
	}
	if s.Message != "" {
		fmt.Fprintf(b, "%s\n\n", render.MarkdownCell(s.Message))
	}
	if s.outcome == outcomeApproved {
		b.WriteString("The breaking changes are approved by the override label.\n\n")
	}
	if s.Notice != "" {
		fmt.Fprintf(b, "ℹ️ %s\n\n", render.MarkdownCell(s.Notice))
	}
	if len(s.Problems) > 0 {
		b.WriteString("| Line | Problem |\n|---|---|\n")
		for _, p := range s.Problems {
			path := p.Path
			if path == "" {
				path = s.Path
			}
			where := "—"
			if p.Line > 0 {
				where = render.MarkdownLink(fmt.Sprintf("%d", p.Line), cfg.blobURL(s.commit, path, p.Line))
			}
			fmt.Fprintf(b, "| %s | %s |\n", where, render.MarkdownCell(p.Message))
		}
		b.WriteString("\n")
	}
	if len(s.Changes) > 0 {
		b.WriteString("| Impact | Change | Location | Details |\n|---|---|---|---|\n")
		for _, c := range s.Changes {
			line := s.line(c.Path, c.Line)
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", impact(c), render.MarkdownCode(c.Kind), render.MarkdownLink(render.MarkdownCode(c.Path), cfg.blobURL(s.commit, s.Path, line)), render.MarkdownCell(c.Message))
		}
		b.WriteString("\n")
	}
	render.WriteDependentsMarkdown(b, *s.SchemaReport)
}

// impact names a change's effect in the change table.
func impact(c api.Change) string {
	switch {
	case c.Breaking:
		return "💥 breaking"
	case c.Annotation:
		return "📝 annotation"
	case c.Backward && c.Forward:
		return "✅ compatible"
	case c.Backward:
		return "✅ backward"
	case c.Forward:
		return "✅ forward"
	}
	return "⚠️ incompatible"
}

func versionCell(s *compiler.SchemaReport) string {
	switch {
	case s.OldVersion == "" && s.NewVersion == "":
		return "—"
	case s.OldVersion == "":
		return "new " + render.MarkdownCode(s.NewVersion)
	case s.NewVersion == "":
		return render.MarkdownCode(s.OldVersion) + " → deleted"
	case s.OldVersion == s.NewVersion:
		return render.MarkdownCode(s.NewVersion)
	}
	return render.MarkdownCode(s.OldVersion) + " → " + render.MarkdownCode(s.NewVersion)
}

// commitRange is "base → head" with links to both commits.
func commitRange(j *judgement, cfg *Config) string {
	return commitLink(j.base, cfg) + " → " + commitLink(j.report.Head, cfg)
}

func commitLink(sha string, cfg *Config) string {
	short := sha
	if len(short) > 7 {
		short = short[:7]
	}
	if sha == "" || cfg.ServerURL == "" || cfg.Repository == "" {
		return render.MarkdownCode(short)
	}
	return render.MarkdownLink(render.MarkdownCode(short), strings.TrimSuffix(cfg.ServerURL, "/")+"/"+cfg.Repository+"/commit/"+sha)
}

// fitComment cuts body at a line so that it and a closing note linking the
// full report stay within GitHub's comment limit.
func fitComment(body, runURL string) string {
	if len(body) <= maxCommentBytes {
		return body
	}
	note := "\n\n---\n✂️ This comment is cut at GitHub's 65,536-character limit."
	if runURL != "" {
		note += " The full report is in the [step summary of the run](" + runURL + ")."
	} else {
		note += " The full report is in the step summary of the run."
	}
	note += "\n"
	keep := body[:maxCommentBytes-len(note)]
	if i := strings.LastIndexByte(keep, '\n'); i > 0 {
		keep = keep[:i]
	}
	return keep + note
}

// escapePath escapes each segment of a slash-separated path for a URL.
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}
