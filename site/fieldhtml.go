package site

import (
	"html/template"
	"strconv"
	"strings"
)

// fieldsHTML renders a field table, with the tables nested in its rows, for
// a page whose links start from root.
//
// Pages are html/template templates; the field tables, the largest and most
// repeated part of them, are written here instead, because a template pays
// a reflective call per value and a site of 20,000 versions has millions of
// values. Every value, text or attribute, goes through writeAttr, which
// escapes what html/template's escapers would for element content and
// quoted attributes; the hostile-content test checks the result.
func fieldsHTML(root string, t *fieldTable) template.HTML {
	var b strings.Builder
	b.Grow(4096)
	writeFields(&b, root, t)
	return template.HTML(b.String())
}

// writeFields writes one table.
func writeFields(b *strings.Builder, root string, t *fieldTable) {
	b.WriteString("<table class=\"fields\">\n<caption>")
	writeAttr(b, t.Caption)
	b.WriteString("</caption>\n<thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Type</th>" +
		"<th scope=\"col\">Required</th><th scope=\"col\">Constraints</th><th scope=\"col\">Allowed values</th>" +
		"<th scope=\"col\">Description</th><th scope=\"col\">Arrow type</th></tr></thead>\n<tbody>")
	for _, f := range t.Rows {
		writeFieldRow(b, root, f)
	}
	b.WriteString("\n</tbody>\n</table>")
	if t.Omitted > 0 {
		b.WriteString("\n<p class=\"note\">" + strconv.Itoa(t.Omitted) +
			" more fields are not shown here; the raw JSON has them all.</p>")
	}
}

// writeFieldRow writes a row and, below it, the table of what it nests.
func writeFieldRow(b *strings.Builder, root string, f *field) {
	b.WriteString("\n<tr id=\"")
	writeAttr(b, f.Anchor)
	b.WriteString("\"><th scope=\"row\"><a class=\"anchor\" href=\"#")
	writeAttr(b, f.Anchor)
	b.WriteString("\">")
	writeAttr(b, f.Name)
	b.WriteString("</a>")
	if f.Deprecated {
		b.WriteString(" <span class=\"badge warn\">deprecated</span>")
	}
	b.WriteString("</th>\n<td>")
	writeAttr(b, f.Type)
	if f.Ref != "" {
		b.WriteString("<br><span class=\"ref\">")
		if f.RefHref != "" {
			b.WriteString("<a href=\"")
			writeAttr(b, root+f.RefHref)
			b.WriteString("\" title=\"")
			writeAttr(b, f.RefLabel)
			b.WriteString("\">")
			writeAttr(b, f.Ref)
			b.WriteString("</a>")
		} else {
			writeAttr(b, f.Ref)
		}
		b.WriteString("</span>")
	}
	b.WriteString("</td>\n<td>")
	writeAttr(b, f.Required)
	b.WriteString("</td>\n<td>")
	for _, c := range f.Constraints {
		b.WriteString("<span class=\"c\">")
		writeAttr(b, c.Name)
		if c.Value != "" {
			b.WriteString(" <code>")
			writeAttr(b, c.Value)
			b.WriteString("</code>")
		}
		b.WriteString("</span> ")
	}
	b.WriteString("</td>\n<td>")
	for _, e := range f.Enum {
		b.WriteString("<code>")
		writeAttr(b, e)
		b.WriteString("</code> ")
	}
	b.WriteString("</td>\n<td>")
	if f.Title != "" {
		b.WriteString("<strong>")
		writeAttr(b, f.Title)
		b.WriteString(".</strong> ")
	}
	writeAttr(b, f.Description)
	if f.Note != "" {
		b.WriteString(" <em class=\"note\">")
		if f.NoteHref != "" {
			b.WriteString("<a href=\"")
			writeAttr(b, f.NoteHref)
			b.WriteString("\">")
			writeAttr(b, f.Note)
			b.WriteString("</a>")
		} else {
			writeAttr(b, f.Note)
		}
		b.WriteString("</em>")
	}
	b.WriteString("</td>\n<td>")
	if f.Arrow != "" {
		b.WriteString("<code>")
		writeAttr(b, f.Arrow)
		b.WriteString("</code>")
		if f.ArrowNullable {
			b.WriteString(" <span class=\"muted\">nullable</span>")
		}
	}
	b.WriteString("</td>\n</tr>")
	if f.Children != nil {
		b.WriteString("\n<tr class=\"nested\"><td colspan=\"7\">")
		writeFields(b, root, f.Children)
		b.WriteString("</td></tr>")
	}
}

// writeAttr writes s escaped for element content and for a double- or
// single-quoted attribute value: "&", "<", ">", quotes and NUL are
// replaced by character references.
func writeAttr(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case 0:
			esc = "\uFFFD"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}
