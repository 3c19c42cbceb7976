package action

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/compiler/semver"
)

func schemaReport(id, status, verdict string, compatible bool) compiler.SchemaReport {
	s := compiler.SchemaReport{ID: id, Path: "schemas/" + id + ".json", Status: status, Verdict: verdict, Compatible: compatible,
		OldVersion: "1.0.0", NewVersion: "1.1.0", Bump: semver.BumpMinor, RequiredBump: semver.BumpMinor}
	if !compatible {
		s.RequiredBump = semver.BumpMajor
		s.Changes = []api.Change{{Kind: "PROPERTY_REMOVED", Path: "#/properties/side", Line: 12, Breaking: true, Message: "side removed"}}
	}
	return s
}

func TestJudge(t *testing.T) {
	ok := schemaReport("a_v1", compiler.StatusModified, compiler.VerdictOK, true)
	breaking := schemaReport("b_v1", compiler.StatusModified, compiler.VerdictOK, false)
	badBump := schemaReport("c_v1", compiler.StatusModified, compiler.VerdictInvalidBump, false)
	invalid := schemaReport("d_v1", compiler.StatusModified, compiler.VerdictInvalid, true)
	gone := schemaReport("e_v1", compiler.StatusDeleted, compiler.VerdictOK, false)
	gone.Changes = nil
	tests := []struct {
		name       string
		schemas    []compiler.SchemaReport
		failOn     FailOn
		labels     []string
		wantFailed bool
		wantLabel  string
		wantHead   string
	}{
		{"NoChange", nil, FailOnInvalidBump, nil, false, "", "No schema changes"},
		{"Compatible", []compiler.SchemaReport{ok}, FailOnInvalidBump, nil, false, LabelCompatible, "Compatible schema changes"},
		{"BreakingMajor", []compiler.SchemaReport{ok, breaking}, FailOnInvalidBump, nil, false, LabelBreaking, "Breaking change with a major version"},
		{"BreakingBlocked", []compiler.SchemaReport{breaking}, FailOnBreaking, nil, true, LabelBreaking, "❌ Breaking change"},
		{"BreakingApproved", []compiler.SchemaReport{breaking}, FailOnBreaking, []string{DefaultOverrideLabel}, false, LabelBreaking, "Breaking change, approved"},
		{"BadBump", []compiler.SchemaReport{badBump}, FailOnInvalidBump, nil, true, LabelBreaking, "❌ Version bump too small"},
		{"BadBumpNotApprovable", []compiler.SchemaReport{badBump}, FailOnInvalidBump, []string{DefaultOverrideLabel}, true, LabelBreaking, "❌ Version bump too small"},
		{"BadBumpNever", []compiler.SchemaReport{badBump}, FailOnNever, nil, false, LabelBreaking, "⚠️ Version bump too small"},
		{"InvalidNever", []compiler.SchemaReport{ok, invalid}, FailOnNever, nil, true, "", "Invalid schema"},
		{"Deleted", []compiler.SchemaReport{gone}, FailOnInvalidBump, nil, false, LabelBreaking, "Schema deleted"},
		{"DeletedBlocked", []compiler.SchemaReport{gone}, FailOnBreaking, nil, true, LabelBreaking, "❌ Breaking change"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &compiler.CheckReport{Schemas: tt.schemas}
			for _, s := range tt.schemas {
				r.Breaking = r.Breaking || !s.Compatible
			}
			cfg := &Config{FailOn: tt.failOn, OverrideLabel: DefaultOverrideLabel}
			j := judge(r, cfg, tt.labels, nil)
			if j.failed != tt.wantFailed || j.label() != tt.wantLabel || !strings.Contains(j.headline(), tt.wantHead) {
				t.Errorf("failed %v, label %q, headline %q; want %v, %q, %q", j.failed, j.label(), j.headline(), tt.wantFailed, tt.wantLabel, tt.wantHead)
			}
		})
	}
}

func TestActionAnnotationOverflow(t *testing.T) {
	p := newPR(t)
	head := p.repo.commit("many", map[string]string{"README.md": "many schemas\n"})
	var report compiler.CheckReport
	for i := range 12 {
		report.Schemas = append(report.Schemas, schemaReport(fmt.Sprintf("s%02d_v1", i), compiler.StatusModified, compiler.VerdictInvalidBump, false))
	}
	report.Breaking, report.RequiredBump = true, semver.BumpMajor
	out := p.run(p.base, head, nil, func(c *Config) { c.Check = checkStub(report) })
	if out.err != nil || !out.res.Failed {
		t.Fatalf("err %v, failed %v", out.err, out.res.Failed)
	}
	if n := strings.Count(out.stdout, "::error "); n != maxAnnotations {
		t.Errorf("%d error annotations, want %d", n, maxAnnotations)
	}
	// 24 findings: a bad bump and a breaking change per schema.
	if !strings.Contains(out.summary, "#### 14 more findings") || !strings.Contains(out.summary, "| error | [`schemas/s11_v1.json:12`]") {
		t.Errorf("the step summary does not list the 14 findings GitHub would not show:\n%s", out.summary)
	}
}
func TestFitComment(t *testing.T) {
	short := "<!-- m -->\nsmall\n"
	if got := fitComment(short, testRunURL); got != short {
		t.Errorf("a short body changed: %q", got)
	}
	var b strings.Builder
	b.WriteString("<!-- m -->\n| a | b |\n|---|---|\n")
	for b.Len() <= maxCommentBytes {
		b.WriteString("| ünïcödé 💥 | " + strings.Repeat("x", 97) + " |\n")
	}
	got := fitComment(b.String(), testRunURL)
	if len(got) > maxCommentBytes || !utf8.ValidString(got) {
		t.Fatalf("%d bytes (valid UTF-8: %v), want at most %d", len(got), utf8.ValidString(got), maxCommentBytes)
	}
	if !strings.HasPrefix(got, "<!-- m -->\n") || !strings.Contains(got, "|\n\n---\n✂️") || !strings.HasSuffix(got, "("+testRunURL+").\n") {
		t.Errorf("want the marker kept, the cut on a line end and the link last:\n%s", got[len(got)-300:])
	}
}

func TestEscapePath(t *testing.T) {
	tests := []struct{ got, want string }{
		{escapePath("schemas/a b/c#1.json"), "schemas/a%20b/c%231.json"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestCommentMarker(t *testing.T) {
	a, b := commentMarker("Schema validation", "check"), commentMarker("Schema validation", "check-2")
	if a == b || strings.Contains(commentMarker("x-->y", "j"), "x-->") {
		t.Errorf("markers %q and %q must differ per job and stay one HTML comment", a, b)
	}
}
