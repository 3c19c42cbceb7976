package action

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sethvargo/go-githubactions"

	"github.com/schemareg/schemareg/internal/text"
	"github.com/schemareg/schemareg/render"
)

// FuzzActionEventAndOutputs feeds the action random event payloads and
// random text where a file name or schema text goes. Parsing never
// panics and every refusal wraps ErrEvent; whatever the payload's labels
// and repositories and the text hold, the GITHUB_OUTPUT file, read as the
// runner reads it, has exactly the action's outputs, each once, with the
// value written, and every annotation is one workflow command on one line.
func FuzzActionEventAndOutputs(f *testing.F) {
	sha := strings.Repeat("a", 40)
	f.Add([]byte(`{"number": 7, "pull_request": {"number": 7, "base": {"sha": "`+sha+`", "repo": {"full_name": "acme/schemas"}}, "head": {"sha": "`+sha+`", "repo": {"full_name": "evil/schemas"}}, "labels": [{"name": "schema:breaking-approved"}]}}`),
		"schemas/a\n_GitHubActionsFileCommandDelimeter_\nbreaking=false.json")
	f.Add([]byte(`{"pull_request": {"number": 1, "base": {"sha": "`+sha+`"}, "head": {"sha": "`+sha+`"}, "labels": [{"name": "x\r\n::error::forged"}]}}`),
		"::error file=x::y\r%0A\u2028")
	f.Add([]byte(`{"pull_request": null}`), "")
	f.Add([]byte(`[`), "ghadelimiter_\n")
	f.Fuzz(func(t *testing.T, payload []byte, name string) {
		ev, err := ParseEvent("event.json", payload)
		if err != nil {
			if !errors.Is(err, ErrEvent) {
				t.Fatalf("error %v does not wrap ErrEvent", err)
			}
			ev = &Event{}
		}
		values := [][2]string{
			{OutputBreaking, "true"},
			{OutputChanged, name + " " + strings.Join(ev.Labels, " ")},
			{OutputRequiredBump, ev.BaseRepo + ev.HeadRepo},
			{OutputReport, name},
		}
		path := filepath.Join(t.TempDir(), "output")
		if err := outputFile(path, values, rand.Reader); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		got := parseOutputFile(t, string(data))
		if len(got) != len(values) {
			t.Fatalf("%d outputs, want %d:\n%s", len(got), len(values), data)
		}
		for _, v := range values {
			if g := got[v[0]]; len(g) != 1 || g[0] != text.QuoteControl(v[1]) {
				t.Fatalf("output %s = %q, want %q", v[0], g, text.QuoteControl(v[1]))
			}
		}

		var log bytes.Buffer
		a := githubactions.New(githubactions.WithWriter(&log), githubactions.WithGetenv(func(string) string { return "" }))
		anns := []annotation{
			{level: render.LevelError, file: name, line: 3, title: "Breaking change in " + name, message: name},
			{level: render.LevelWarning, file: strings.Join(ev.Labels, ","), title: ev.HeadRepo, message: ev.BaseRepo},
		}
		emit(a, anns)
		lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
		if len(lines) != len(anns) {
			t.Fatalf("%d log lines for %d annotations:\n%s", len(lines), len(anns), log.String())
		}
		for i, l := range lines {
			lead := "::" + anns[i].level
			if text.HasControl(l) || !strings.HasPrefix(l, lead+" ") && !strings.HasPrefix(l, lead+"::") {
				t.Fatalf("annotation %d printed as %q", i, l)
			}
		}
	})
}
