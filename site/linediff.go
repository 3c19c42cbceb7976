package site

import (
	"html/template"
	"strconv"
	"strings"
)

// maxDiffCells bounds the table the line diff fills; larger documents get
// the change list only.
const maxDiffCells = 4 << 20

// diffContext is how many unchanged lines the diff shows around a change.
const diffContext = 3

// diffLine is one line of a line diff: kept, removed or added, with its
// 0-based line in the old and the new document (-1 where it has none).
type diffLine struct {
	op       byte // ' ', '-' or '+'
	old, new int
}

// diffLines compares two documents line by line, by longest common
// subsequence. ok is false when they are too large to compare.
func diffLines(a, b []string) (out []diffLine, ok bool) {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if (len(ma)+1)*(len(mb)+1) > maxDiffCells {
		return nil, false
	}
	for i := range pre {
		out = append(out, diffLine{' ', i, i})
	}
	// lcs[i][j] is the length of the longest common subsequence of ma[i:] and mb[j:].
	w := len(mb) + 1
	lcs := make([]int32, (len(ma)+1)*w)
	for i := len(ma) - 1; i >= 0; i-- {
		for j := len(mb) - 1; j >= 0; j-- {
			if ma[i] == mb[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(ma) || j < len(mb) {
		switch {
		case i < len(ma) && j < len(mb) && ma[i] == mb[j]:
			out = append(out, diffLine{' ', pre + i, pre + j})
			i, j = i+1, j+1
		case i < len(ma) && (j == len(mb) || lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
			out = append(out, diffLine{'-', pre + i, -1})
			i++
		default:
			out = append(out, diffLine{'+', -1, pre + j})
			j++
		}
	}
	for k := range suf {
		out = append(out, diffLine{' ', len(a) - suf + k, len(b) - suf + k})
	}
	return out, true
}

// lineFlag links a line of the diff to a change in the list above it.
type lineFlag struct {
	anchor   string
	breaking bool
}

// diffTable renders a line diff as the rows of a table, keeping diffContext
// unchanged lines around every change and flagged line. Every piece of the
// documents is escaped by writeEscaped; the rest is fixed markup.
func diffTable(oldDoc, newDoc *jsonLines, lines []diffLine, oldFlags, newFlags map[int][]lineFlag) template.HTML {
	show := make([]bool, len(lines))
	for k, l := range lines {
		if l.op != ' ' || len(oldFlags[l.old]) > 0 || len(newFlags[l.new]) > 0 {
			for d := max(0, k-diffContext); d <= min(len(lines)-1, k+diffContext); d++ {
				show[d] = true
			}
		}
	}
	var b strings.Builder
	skipped := 0
	flushSkip := func() {
		if skipped > 0 {
			b.WriteString(`<tr class="skip"><td colspan="4">`)
			b.WriteString(strconv.Itoa(skipped))
			b.WriteString(" unchanged lines</td></tr>\n")
			skipped = 0
		}
	}
	for k, l := range lines {
		if !show[k] {
			skipped++
			continue
		}
		flushSkip()
		var flags []lineFlag
		var text string
		class, mark, tag := "same", `<span class="vh">unchanged</span>`, ""
		switch l.op {
		case '-':
			class, mark, tag = "del", `<span aria-hidden="true">−</span><span class="vh">removed</span>`, "del"
			text, flags = oldDoc.lines[l.old], oldFlags[l.old]
		case '+':
			class, mark, tag = "ins", `<span aria-hidden="true">+</span><span class="vh">added</span>`, "ins"
			text, flags = newDoc.lines[l.new], newFlags[l.new]
		default:
			text = newDoc.lines[l.new]
			flags = append(append(flags, oldFlags[l.old]...), newFlags[l.new]...)
		}
		for _, f := range flags {
			if f.breaking {
				class += " breaking"
				break
			}
		}
		b.WriteString(`<tr class="` + class + `"><td class="n">`)
		if l.old >= 0 {
			b.WriteString(strconv.Itoa(l.old + 1))
		}
		b.WriteString(`</td><td class="n">`)
		if l.new >= 0 {
			b.WriteString(strconv.Itoa(l.new + 1))
		}
		b.WriteString(`</td><td class="m">` + mark + `</td><td class="code">`)
		if tag != "" {
			b.WriteString("<" + tag + ">")
		}
		writeEscaped(&b, text)
		if tag != "" {
			b.WriteString("</" + tag + ">")
		}
		for _, f := range flags {
			label := "change"
			if f.breaking {
				label = "breaking"
			}
			b.WriteString(` <a class="flag ` + label + `" href="#` + f.anchor + `">` + label + `</a>`)
		}
		b.WriteString("</td></tr>\n")
	}
	flushSkip()
	return template.HTML(b.String())
}
