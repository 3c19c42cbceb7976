package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sethvargo/go-githubactions"

	"github.com/google/go-cmp/cmp"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/semver"
)

func sampleResult() compat.DiffResult {
	return compat.DiffResult{Compatible: false, Bump: semver.BumpMajor, Mode: document.ModeBackward, Policy: compat.PolicyLenient, Changes: []api.Change{
		{Kind: "ENUM_ARRAY_NARROWED", Path: "#/properties/side/enum", Line: 12, Forward: true, Breaking: true,
			Message: `field "side": enum value "S" removed; data written with 1.x may hold it`},
		{Kind: "TITLE_CHANGED", Path: "#/", Line: 3, Backward: true, Forward: true, Annotation: true,
			Message: "title changed: 100% new, a|b\nsecond line"},
	}}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDiff(&b, FormatText, "ticks.json", sampleResult()); err != nil {
		t.Fatal(err)
	}
	want := `ticks.json: breaking under BACKWARD (LENIENT): major bump required, 2 changes
  LINE  VERDICT     KIND                 PATH                    MESSAGE
  12    breaking    ENUM_ARRAY_NARROWED  #/properties/side/enum  field "side": enum value "S" removed; data written with 1.x may hold it
  3     annotation  TITLE_CHANGED        #/                      title changed: 100% new, a|b second line
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
	b.Reset()
	if err := WriteText(&b, "", sampleResult(), true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), ansiRed+"breaking"+ansiReset) {
		t.Errorf("colour text lacks a red verdict:\n%q", b.String())
	}
	b.Reset()
	WriteText(&b, "", compat.DiffResult{Compatible: true, Mode: document.ModeFull, Policy: compat.PolicyStrict}, false)
	if got := b.String(); got != "compatible under FULL (STRICT): none bump required, 0 changes\n" {
		t.Errorf("empty: %q", got)
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDiff(&b, FormatJSON, "", compat.DiffResult{Compatible: true, Mode: document.ModeBackward, Policy: compat.PolicyLenient}); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"compatible": true, "bump": "none", "mode": "BACKWARD", "policy": "LENIENT", "changes": []any{}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("json (-want +got):\n%s", diff)
	}
}

func TestWriteMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDiff(&b, FormatMarkdown, "schemas/ticks_v1.json", sampleResult()); err != nil {
		t.Fatal(err)
	}
	want := "### `schemas/ticks_v1.json` ❌ **breaking** under BACKWARD (LENIENT) · major bump\n\n" +
		"| | Verdict | Kind | Path | Line | Backward | Forward | Message |\n" +
		"|---|---|---|---|---:|:---:|:---:|---|\n" +
		"| ❌ | **breaking** | `ENUM_ARRAY_NARROWED` | `#/properties/side/enum` | 12 | no | yes | field \"side\": enum value \"S\" removed; data written with 1.x may hold it |\n" +
		"| 📝 | annotation | `TITLE_CHANGED` | `#/` | 3 | yes | yes | title changed: 100% new, a\\|b<br>second line |\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("markdown (-want +got):\n%s", diff)
	}
	if got := MarkdownCell("<b>*x*</b> | `y` [z]"); got != "&lt;b&gt;\\*x\\*&lt;/b&gt; \\| \\`y\\` \\[z\\]" {
		t.Errorf("MarkdownCell = %q", got)
	}
}

func TestWriteGitHub(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDiff(&b, FormatGitHub, "a,b:c.json", sampleResult()); err != nil {
		t.Fatal(err)
	}
	want := "::error file=a%2Cb%3Ac.json,line=12,title=ENUM_ARRAY_NARROWED breaks BACKWARD::field \"side\": enum value \"S\" removed; data written with 1.x may hold it\n" +
		"::notice file=a%2Cb%3Ac.json,line=3,title=TITLE_CHANGED::title changed: 100%25 new, a|b\\nsecond line\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("github (-want +got):\n%s", diff)
	}
	b.Reset()
	Annotate(githubactions.New(githubactions.WithWriter(&b)), Annotation{Level: LevelWarning, Message: "a\x1b[2Jb"}, Annotation{Col: 4, Message: "100%"})
	if got, want := b.String(), "::warning::a\\x1b[2Jb\n::notice col=4::100%25\n"; got != want {
		t.Errorf("bare annotations = %q, want %q", got, want)
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats() {
		if got, err := ParseFormat(f); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	if _, err := ParseFormat("yaml"); err == nil {
		t.Error("ParseFormat(yaml) succeeded")
	}
	if err := WriteDiff(&bytes.Buffer{}, "yaml", "", compat.DiffResult{}); err == nil {
		t.Error("WriteDiff(yaml) succeeded")
	}
}

func TestWriteDependentsMarkdown(t *testing.T) {
	s := compiler.SchemaReport{ID: "instruments_v1", NewVersion: "2.0.0", Dependents: []compiler.DependentReport{
		{ID: "quotes_v1", Version: "1.0.0", Pinned: "1.0.0", Mode: document.ModeBackward, Compatible: false, Bump: semver.BumpMajor},
		{ID: "fills_v1", Version: "1.2.0", Pinned: "1.0.0", Mode: document.ModeFull, Compatible: true, Bump: semver.BumpMinor, Message: "a|b"},
	}}
	var b strings.Builder
	WriteDependentsMarkdown(&b, s)
	for _, row := range []string{
		"| `quotes_v1` 1.0.0 | 1.0.0 | 💥 breaking, needs a major bump | BACKWARD |",
		"| `fills_v1` 1.2.0 | 1.0.0 | ✅ compatible, a minor bump | FULL | a\\|b |",
	} {
		if !strings.Contains(b.String(), row) {
			t.Errorf("dependents table lacks %q:\n%s", row, b.String())
		}
	}
	b.Reset()
	WriteDependentsMarkdown(&b, compiler.SchemaReport{ID: "x_v1"})
	if b.Len() != 0 {
		t.Errorf("a schema without dependents writes %q, want nothing", b.String())
	}
}

// TestMarkdownCellInert: text from a schema cannot notify people, make
// links or start math in a comment.
func TestMarkdownCellInert(t *testing.T) {
	tests := []struct{ in, want string }{
		{"@team please", "@\u200bteam please"},
		{"see https://x.example", "see https:\u200b//x.example"},
		{"www.x.example", "www\u200b.x.example"},
		{"$a$ and $$b$$", `\$a\$ and \$\$b\$\$`},
		{"x | y\nz <script>", "x \\| y<br>z &lt;script&gt;"},
		{"plain text", "plain text"},
	}
	for _, tt := range tests {
		if got := MarkdownCell(tt.in); got != tt.want {
			t.Errorf("MarkdownCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMarkdownCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"#/properties/a", "`#/properties/a`"},
		{"a|b", "`a\\|b`"},
		{"it`s", "`it's`"},
	}
	for _, tt := range tests {
		if got := MarkdownCode(tt.in); got != tt.want {
			t.Errorf("MarkdownCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
