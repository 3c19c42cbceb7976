package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/compiler/compat"
)

var update = flag.Bool("update", false, "rewrite the generated tables of docs/ and the completion scripts in testdata")

// maxREADME is the most bytes README.md may hold: a landing page, whose
// reference material lives in docs/.
const maxREADME = 12 << 10

// root is the repository's top folder, seen from this package.
const root = "../.."

// docPages returns README.md and every page of docs/, relative to the
// repository's top folder.
func docPages(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 {
		t.Fatal("docs/ holds no page")
	}
	pages := []string{"README.md"}
	for _, d := range docs {
		rel, err := filepath.Rel(root, d)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, filepath.ToSlash(rel))
	}
	return pages
}

// checkGenerated keeps the text between a page's <!-- name:start --> and
// <!-- name:end --> markers equal to body; with -update it rewrites it.
func checkGenerated(t *testing.T, page, name, body string) {
	t.Helper()
	path := filepath.Join(root, page)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start, end := "<!-- "+name+":start -->", "<!-- "+name+":end -->"
	i, j := strings.Index(text, start), strings.Index(text, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the %s … %s markers", page, start, end)
	}
	want := text[:i+len(start)] + "\n" + body + "\n" + text[j:]
	if want == text {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: the %s table is stale; run go test ./cmd/schemareg -run Doc -update", page, name)
}

// flagLine matches a flag's line in a command's -h output.
var flagLine = regexp.MustCompile(`^  -(\S+)(?: (\S+))?  \((SCHEMAREG_\S+)\)$`)

// configTables renders, per command, every flag with its variable, default
// and description, from the commands' own -h output.
func configTables(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, c := range commands() {
		_, stderr, code := runCmd(t, nil, c.name, "-h")
		if code != 0 {
			t.Fatalf("%s -h: exit %d", c.name, code)
		}
		lines := strings.Split(stderr, "\n")
		var rows []string
		for i := 0; i < len(lines); i++ {
			m := flagLine.FindStringSubmatch(lines[i])
			if m == nil {
				continue
			}
			var desc []string
			for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "    \t") {
				i++
				desc = append(desc, strings.TrimPrefix(lines[i], "    \t"))
			}
			text := strings.Join(desc, " ")
			def := ""
			if j := strings.LastIndex(text, ` (default "`); j >= 0 && strings.HasSuffix(text, `")`) {
				def, text = text[j+len(` (default "`):len(text)-2], text[:j]
			}
			if def != "" {
				def = "`" + def + "`"
			}
			rows = append(rows, fmt.Sprintf("| `-%s` | `%s` | %s | %s |", m[1], m[3], def, strings.ReplaceAll(text, "|", `\|`)))
		}
		if len(rows) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n<details><summary><code>schemareg %s</code> (%d flags)</summary>\n\n| flag | variable | default | |\n|---|---|---|---|\n%s\n\n</details>\n",
			c.name, len(rows), strings.Join(rows, "\n"))
	}
	return b.String()
}

// TestDocsConfiguration keeps the configuration tables of
// docs/configuration.md equal to the flags the commands take:
// go test ./cmd/schemareg -run Doc -update rewrites them.
func TestDocsConfiguration(t *testing.T) {
	checkGenerated(t, "docs/configuration.md", "flags", configTables(t))
}

// kindsTable renders every change kind the engine reports, in its order.
func kindsTable() string {
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	var b strings.Builder
	kinds := compat.Kinds()
	fmt.Fprintf(&b, "\n%d kinds.\n\n| kind | summary | BACKWARD, STRICT | BACKWARD, LENIENT | Confluent's name | annotation |\n|---|---|:---:|:---:|:---:|:---:|\n", len(kinds))
	for _, k := range kinds {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", k.Kind, strings.ReplaceAll(k.Summary, "|", `\|`),
			yes(k.BackwardStrict), yes(k.BackwardLenient), yes(k.Confluent), yes(k.Annotation))
	}
	return b.String()
}

// TestDocsChangeKinds keeps the table of docs/compatibility.md equal to
// the kinds the engine reports: go test ./cmd/schemareg -run Doc -update
// rewrites it.
func TestDocsChangeKinds(t *testing.T) {
	checkGenerated(t, "docs/compatibility.md", "kinds", kindsTable())
}

// mdLink matches a Markdown link's target.
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// prose returns a page's lines, those of fenced code blocks left empty.
func prose(text string) []string {
	var out []string
	in := false
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		fence := strings.HasPrefix(line, "```")
		if fence {
			in = !in
		}
		if fence || in {
			line = ""
		}
		out = append(out, line)
	}
	return out
}

// anchor returns the fragment GitHub gives a heading.
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-', r == '_', r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// anchors returns the fragments of a page's headings.
func anchors(text string) map[string]bool {
	out := map[string]bool{}
	for _, line := range prose(text) {
		if h := strings.TrimLeft(line, "#"); h != line && strings.HasPrefix(h, " ") {
			out[anchor(h)] = true
		}
	}
	return out
}

// TestDocsLinks checks that README.md stays a landing page: at most
// maxREADME bytes, linking every page of docs/; and that every relative
// link of README.md and docs/ leads to a file that exists, and to a
// heading of it when it names one.
func TestDocsLinks(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(readme) > maxREADME {
		t.Errorf("README.md is %d bytes, over %d: move reference material to docs/", len(readme), maxREADME)
	}
	linked := map[string]bool{}
	for _, page := range docPages(t) {
		data, err := os.ReadFile(filepath.Join(root, page))
		if err != nil {
			t.Fatal(err)
		}
		for n, line := range prose(string(data)) {
			for _, m := range mdLink.FindAllStringSubmatch(line, -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				file, frag, _ := strings.Cut(target, "#")
				dest := filepath.Join(root, page)
				if file != "" {
					dest = filepath.Join(filepath.Dir(dest), file)
				}
				if page == "README.md" {
					linked[filepath.ToSlash(filepath.Clean(file))] = true
				}
				if _, err := os.Stat(dest); err != nil {
					t.Errorf("%s:%d: link %s: %v", page, n+1, target, err)
					continue
				}
				if frag == "" || !strings.HasSuffix(dest, ".md") {
					continue
				}
				text, err := os.ReadFile(dest)
				if err != nil {
					t.Fatal(err)
				}
				if !anchors(string(text))[frag] {
					t.Errorf("%s:%d: link %s: no heading #%s", page, n+1, target, frag)
				}
			}
		}
	}
	for _, page := range docPages(t)[1:] {
		if !linked[page] {
			t.Errorf("README.md does not link %s", page)
		}
	}
}

// example is a command line a page shows in a console block, after "$ ",
// with the output it shows below it.
type example struct {
	page string
	args []string
	want string
}

// consoleExamples returns the schemareg commands of the pages' console
// blocks. Any other command there fails the test: a console block shows
// what a reader will see, so the test must be able to run it.
func consoleExamples(t *testing.T) []example {
	t.Helper()
	var out []example
	for _, page := range docPages(t) {
		data, err := os.ReadFile(filepath.Join(root, page))
		if err != nil {
			t.Fatal(err)
		}
		in := false
		for _, line := range strings.Split(string(data), "\n") {
			switch {
			case line == "```console":
				in = true
			case in && line == "```":
				in = false
			case !in:
			case strings.HasPrefix(line, "$ "):
				cmd := strings.TrimPrefix(line, "$ ")
				args := strings.Fields(cmd)
				if args[0] != "schemareg" || strings.ContainsAny(cmd, `'"|>&;$`) {
					t.Fatalf("%s: a console block shows %q: only plain schemareg commands are run", page, line)
				}
				out = append(out, example{page: page, args: args[1:]})
			case len(out) == 0:
				t.Fatalf("%s: a console block starts with output, not with a $ line", page)
			default:
				out[len(out)-1].want += line + "\n"
			}
		}
	}
	return out
}

// TestDocsExamples runs every schemareg command the README and docs/ show
// in a console block, at the top of this repository, and compares what it
// prints (standard output, then standard error) with what the page shows.
// Examples name commits of this repository's history, so they reproduce.
func TestDocsExamples(t *testing.T) {
	examples := consoleExamples(t)
	diffs := 0
	for _, e := range examples {
		if e.args[0] == "diff" {
			diffs++
		}
	}
	if diffs == 0 {
		t.Fatal("no page shows a schemareg diff in a console block")
	}
	t.Chdir(root)
	for _, e := range examples {
		t.Run(e.page+"/"+strings.Join(e.args, " "), func(t *testing.T) {
			stdout, stderr, code := runCmd(t, nil, e.args...)
			if code != 0 {
				t.Errorf("exit %d\n%s%s", code, stdout, stderr)
			}
			if got := stdout + stderr; got != e.want {
				t.Errorf("%s shows\n%s\nthe command prints\n%s", e.page, e.want, got)
			}
		})
	}
}
