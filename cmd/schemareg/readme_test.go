package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the README's configuration tables and the completion scripts in testdata")

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

// TestREADMEConfiguration keeps the README's configuration tables equal to
// the flags the commands take: go test ./cmd/schemareg -run README -update
// rewrites them.
func TestREADMEConfiguration(t *testing.T) {
	const path = "../../README.md"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	start, end := "<!-- flags:start -->", "<!-- flags:end -->"
	i, j := strings.Index(readme, start), strings.Index(readme, end)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %s … %s markers", start, end)
	}
	want := readme[:i+len(start)] + "\n" + configTables(t) + "\n" + readme[j:]
	if want == readme {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's configuration tables differ from the commands' flags; run go test ./cmd/schemareg -run README -update")
}
