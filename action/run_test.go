package action

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/internal/bundle"
)

// pr is a repository with ticks_v1 1.0.0 on main and a pull request branch
// "feature" started from it.
type pr struct {
	*harness
	base string
}

func newPR(t *testing.T) *pr {
	h := newHarness(t)
	base := h.repo.commit("ticks_v1 1.0.0", map[string]string{
		"schemas/ticks_v1.json": ticks("1.0.0", "ts", "price", "side"),
		"README.md":             "# schemas\n",
	})
	h.repo.Checkout("feature", true)
	return &pr{harness: h, base: base}
}

func TestActionCompatible(t *testing.T) {
	p := newPR(t)
	head := p.repo.commit("add size", map[string]string{"schemas/ticks_v1.json": ticks("1.1.0", "ts", "price", "side", "size")})
	out := p.run(p.base, head, nil, nil)
	if out.err != nil || out.res.Failed {
		t.Fatalf("err %v, failed %v; want a passing run", out.err, out.res.Failed)
	}
	if got := p.gh.labels(); len(got) != 1 || got[0] != LabelCompatible {
		t.Errorf("labels %v, want [%s]", got, LabelCompatible)
	}
	if l := p.gh.repoLabel(LabelCompatible); l.Color != "0e8a16" || l.Description == "" {
		t.Errorf("label created as %+v, want its colour and description", l)
	}
	checkGolden(t, "compatible", out.golden(p.gh))

	// A re-run finds everything in place and writes nothing.
	again := p.run(p.base, head, nil, nil)
	want := []string{
		"GET /repos/acme/schemas/issues/7/labels?per_page=100 -> 200",
		"GET /repos/acme/schemas/issues/7/comments?per_page=100 -> 200",
		"GET /user -> 200",
	}
	if again.err != nil || !slices.Equal(again.requests, want) {
		t.Errorf("re-run: err %v, requests %q; want only %q", again.err, again.requests, want)
	}
}

func TestActionSecondPushTurnsBreaking(t *testing.T) {
	p := newPR(t)
	head1 := p.repo.commit("add size", map[string]string{"schemas/ticks_v1.json": ticks("1.1.0", "ts", "price", "side", "size")})
	first := p.run(p.base, head1, []string{"team:data"}, nil)
	if first.err != nil || first.res.Comment == nil {
		t.Fatalf("first push: err %v, comment %v", first.err, first.res.Comment)
	}
	p.gh.setLabels(append([]string{"team:data"}, p.gh.labels()...)...)
	head2 := p.repo.commit("drop side", map[string]string{"schemas/ticks_v1.json": ticks("2.0.0", "ts", "price", "size")})
	out := p.run(p.base, head2, []string{"team:data", LabelCompatible}, nil)
	if out.err != nil || out.res.Failed {
		t.Fatalf("err %v, failed %v; a breaking change with a major bump passes", out.err, out.res.Failed)
	}
	if got := strings.Join(p.gh.labels(), ","); got != "team:data,"+LabelBreaking {
		t.Errorf("labels %s, want team:data kept and %s swapped for %s", got, LabelCompatible, LabelBreaking)
	}
	if n := len(p.gh.commentsWith("schemareg-action")); n != 1 {
		t.Errorf("%d comments, want the first one updated", n)
	}
	if out.res.Comment == nil || out.res.Comment.ID != first.res.Comment.ID {
		t.Errorf("comment %+v, want comment %d updated", out.res.Comment, first.res.Comment.ID)
	}
	checkGolden(t, "second_push_breaking", out.golden(p.gh))
}

func TestActionBadBump(t *testing.T) {
	p := newPR(t)
	head := p.repo.commit("drop side", map[string]string{"schemas/ticks_v1.json": ticks("1.1.0", "ts", "price")})
	out := p.run(p.base, head, nil, nil)
	if out.err != nil || !out.res.Failed {
		t.Fatalf("err %v, failed %v; want a failing verdict", out.err, out.res.Failed)
	}
	// "version" is on line 3 of the file at head.
	if !strings.Contains(out.stdout, "::error file=schemas/ticks_v1.json,line=3,title=Version bump too small%3A ticks_v1::") {
		t.Errorf("no error annotation on the version line:\n%s", out.stdout)
	}
	checkGolden(t, "bad_bump", out.golden(p.gh))
}

func TestActionNoSchemaChange(t *testing.T) {
	p := newPR(t)
	head := p.repo.commit("docs", map[string]string{"README.md": "# schemas\n\nMore words.\n"})
	out := p.run(p.base, head, nil, nil)
	if out.err != nil || out.res.Failed {
		t.Fatalf("err %v, failed %v", out.err, out.res.Failed)
	}
	for _, r := range out.requests {
		if !strings.HasPrefix(r, "GET ") {
			t.Errorf("request %s: want nothing posted", r)
		}
	}
	checkGolden(t, "no_schema_change", out.golden(p.gh))
}

func TestActionSchemaChangeReverted(t *testing.T) {
	p := newPR(t)
	head1 := p.repo.commit("add size", map[string]string{"schemas/ticks_v1.json": ticks("1.1.0", "ts", "price", "side", "size")})
	p.run(p.base, head1, nil, nil)
	head2 := p.repo.commit("revert", map[string]string{"schemas/ticks_v1.json": ticks("1.0.0", "ts", "price", "side")})
	out := p.run(p.base, head2, []string{LabelCompatible}, nil)
	if out.err != nil || out.res.Failed {
		t.Fatalf("err %v, failed %v", out.err, out.res.Failed)
	}
	if len(p.gh.labels()) != 0 {
		t.Errorf("labels %v, want both managed labels gone", p.gh.labels())
	}
	if !strings.Contains(out.comment, "No schema changes") {
		t.Errorf("comment not updated to say there are no schema changes:\n%s", out.comment)
	}
	checkGolden(t, "reverted", out.golden(p.gh))
}

func TestActionNewSchema(t *testing.T) {
	p := newPR(t)
	quotes := strings.ReplaceAll(strings.ReplaceAll(ticks("1.0.0", "ts", "price"), "ticks_v1", "quotes_v1"), "Ticks", "Quotes")
	head := p.repo.commit("add quotes", map[string]string{"schemas/market/quotes_v1.json": quotes})
	out := p.run(p.base, head, nil, nil)
	if out.err != nil || out.res.Failed {
		t.Fatalf("err %v, failed %v", out.err, out.res.Failed)
	}
	checkGolden(t, "new_schema", out.golden(p.gh))
}

func TestActionDeletedSchema(t *testing.T) {
	p := newPR(t)
	head := p.repo.commit("drop ticks", map[string]string{"schemas/ticks_v1.json": deleted})
	out := p.run(p.base, head, nil, nil)
	if out.err != nil {
		t.Fatal(out.err)
	}
	checkGolden(t, "deleted_schema", out.golden(p.gh))
}

func TestActionForkReadOnly(t *testing.T) {
	p := newPR(t)
	p.fork = true
	p.gh.setFault(func(r *http.Request, n int) (int, http.Header, string) {
		if r.Method == http.MethodGet {
			return 0, nil, ""
		}
		return http.StatusForbidden, nil, `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest","status":"403"}`
	})
	head := p.repo.commit("drop side", map[string]string{"schemas/ticks_v1.json": ticks("1.1.0", "ts", "price")})
	out := p.run(p.base, head, nil, nil)
	if out.err != nil {
		t.Fatalf("err %v; a 403 is a notice", out.err)
	}
	if !out.res.Failed {
		t.Error("the verdict (bump too small) must still fail the run")
	}
	if len(out.res.Notices) != 2 || !strings.Contains(out.stdout, "::notice title=schemareg::labels not updated") {
		t.Errorf("notices %q; want one for the labels and one for the comment", out.res.Notices)
	}
	if !strings.Contains(out.summary, "Version bump too small") || !strings.Contains(out.summary, "Not posted") {
		t.Errorf("step summary lacks the verdict or the notes:\n%s", out.summary)
	}
	checkGolden(t, "fork_read_only", out.golden(p.gh))
}

func TestActionOverrideLabel(t *testing.T) {
	breaking := func(t *testing.T) (*pr, string) {
		p := newPR(t)
		return p, p.repo.commit("drop side", map[string]string{"schemas/ticks_v1.json": ticks("2.0.0", "ts", "price")})
	}
	failOnBreaking := func(c *Config) { c.FailOn = FailOnBreaking }
	t.Run("Approved", func(t *testing.T) {
		p, head := breaking(t)
		p.gh.setLabels(DefaultOverrideLabel)
		out := p.run(p.base, head, []string{DefaultOverrideLabel}, failOnBreaking)
		if out.err != nil || out.res.Failed {
			t.Fatalf("err %v, failed %v; the override label accepts a major bump", out.err, out.res.Failed)
		}
		if strings.Contains(out.stdout, "::error") || strings.Contains(out.stdout, "::warning") {
			t.Errorf("annotations despite the override label:\n%s", out.stdout)
		}
		checkGolden(t, "override_approved", out.golden(p.gh))
	})
	t.Run("Missing", func(t *testing.T) {
		p, head := breaking(t)
		out := p.run(p.base, head, nil, failOnBreaking)
		if out.err != nil || !out.res.Failed {
			t.Fatalf("err %v, failed %v; fail-on breaking fails without the label", out.err, out.res.Failed)
		}
		checkGolden(t, "override_missing", out.golden(p.gh))
	})
	t.Run("AddedAfterTheEvent", func(t *testing.T) {
		// A re-run sees the label on the pull request, not in the old event.
		p, head := breaking(t)
		p.gh.setLabels(DefaultOverrideLabel)
		out := p.run(p.base, head, nil, failOnBreaking)
		if out.err != nil || out.res.Failed {
			t.Fatalf("err %v, failed %v", out.err, out.res.Failed)
		}
	})
}

func TestActionManyComments(t *testing.T) {
	p := newPR(t)
	marker := commentMarker(testWorkflow, testJob)
	bodies := make([]string, 150)
	for i := range bodies {
		bodies[i] = "looks good"
	}
	bodies[30] = "<!-- schemareg-action workflow=Other job=check -->\nanother workflow's comment"
	bodies[120] = marker + "\nold verdict"
	p.gh.addComments(bodies...)
	head := p.repo.commit("add size", map[string]string{"schemas/ticks_v1.json": ticks("1.1.0", "ts", "price", "side", "size")})
	out := p.run(p.base, head, nil, func(c *Config) { c.Labels = false })
	if out.err != nil {
		t.Fatal(out.err)
	}
	if out.res.Comment == nil || out.res.Comment.ID != 121 {
		t.Errorf("comment %+v, want comment 121 (on page 2) updated", out.res.Comment)
	}
	if p.gh.commentCount() != 150 {
		t.Errorf("%d comments, want 150: none created", p.gh.commentCount())
	}
	checkGolden(t, "many_comments", out.golden(p.gh))
}

func TestActionHugeComment(t *testing.T) {
	h := newHarness(t)
	var props []string
	var wide strings.Builder
	wide.WriteString("{\n  \"id\": \"wide_v1\",\n  \"version\": \"1.0.0\",\n  \"type\": \"object\",\n  \"properties\": {\n")
	for i := range 900 {
		name := "a_rather_long_property_name_to_fill_the_comment_" + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
		props = append(props, name)
		sep := ","
		if i == 899 {
			sep = ""
		}
		wide.WriteString("    \"" + name + "\": {\"type\": \"string\"}" + sep + "\n")
	}
	wide.WriteString("  },\n  \"additionalProperties\": false\n}\n")
	base := h.repo.commit("wide", map[string]string{"schemas/wide_v1.json": wide.String()})
	h.repo.Checkout("feature", true)
	narrow := "{\n  \"id\": \"wide_v1\",\n  \"version\": \"2.0.0\",\n  \"type\": \"object\",\n  \"properties\": {\n    \"" +
		props[0] + "\": {\"type\": \"string\"}\n  },\n  \"additionalProperties\": false\n}\n"
	head := h.repo.commit("narrow", map[string]string{"schemas/wide_v1.json": narrow})
	out := h.run(base, head, nil, nil)
	if out.err != nil {
		t.Fatal(out.err)
	}
	if n := len(out.comment); n == 0 || n > maxCommentBytes {
		t.Fatalf("comment of %d bytes, want one within %d", n, maxCommentBytes)
	}
	if !strings.HasPrefix(out.comment, commentMarker(testWorkflow, testJob)) || !strings.Contains(out.comment, "cut at GitHub's 65,536-character limit") ||
		!strings.Contains(out.comment, "("+testRunURL+")") {
		t.Errorf("the cut comment lacks its marker, note or link:\n%s", out.comment[max(0, len(out.comment)-400):])
	}
	if len(out.summary) <= maxCommentBytes {
		t.Errorf("step summary of %d bytes; want the whole report", len(out.summary))
	}
	if strings.Count(out.stdout, "::warning ") != maxAnnotations || !strings.Contains(out.summary, "more findings") {
		t.Errorf("want %d warnings on stdout and the rest in the summary", maxAnnotations)
	}
}

func TestActionRetries(t *testing.T) {
	p := newPR(t)
	p.gh.setFault(func(r *http.Request, n int) (int, http.Header, string) {
		switch n {
		case 0:
			return http.StatusBadGateway, nil, `{"message":"Server Error"}`
		case 4:
			h := http.Header{"Retry-After": {"3"}}
			return http.StatusForbidden, h, `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`
		}
		return 0, nil, ""
	})
	head := p.repo.commit("add size", map[string]string{"schemas/ticks_v1.json": ticks("1.1.0", "ts", "price", "side", "size")})
	out := p.run(p.base, head, nil, nil)
	if out.err != nil {
		t.Fatalf("err %v; both failures are retried", out.err)
	}
	if want := []time.Duration{time.Second, 3 * time.Second}; !slices.Equal(p.gh.recordedWaits(), want) {
		t.Errorf("waits %v, want %v: the backoff, then Retry-After", p.gh.recordedWaits(), want)
	}
	checkGolden(t, "retries", out.golden(p.gh))
}

func TestActionServerDown(t *testing.T) {
	p := newPR(t)
	p.gh.setFault(func(r *http.Request, n int) (int, http.Header, string) {
		if r.Method == http.MethodGet {
			return 0, nil, ""
		}
		return http.StatusServiceUnavailable, nil, `{"message":"Service Unavailable"}`
	})
	head := p.repo.commit("add size", map[string]string{"schemas/ticks_v1.json": ticks("1.1.0", "ts", "price", "side", "size")})
	out := p.run(p.base, head, nil, nil)
	var apiErr *APIError
	if !errors.As(out.err, &apiErr) || apiErr.Status != http.StatusServiceUnavailable {
		t.Fatalf("err %v, want the 503 after the retries", out.err)
	}
	if out.res.Failed || !strings.Contains(out.summary, "Compatible schema changes") {
		t.Errorf("the verdict and the step summary must not depend on GitHub: failed %v\n%s", out.res.Failed, out.summary)
	}
	if n := strings.Count(strings.Join(out.requests, "\n"), "-> 503"); n != 8 {
		t.Errorf("%d attempts answered 503, want 4 for the label and 4 for the comment", n)
	}
}

// TestActionSinceBundle judges a pull request with the base's history
// walked from a bundle of it: the same verdict and comment as from the
// root. A folder without a bundle, or with a broken one, is passed over.
func TestActionSinceBundle(t *testing.T) {
	p := newPR(t)
	p.repo.Checkout("main", false)
	base := p.repo.commit("ticks_v1 1.1.0", map[string]string{"schemas/ticks_v1.json": ticks("1.1.0", "ts", "price", "side", "exchange")})
	res, err := compiler.Compile(t.Context(), compiler.CompileOptions{Repo: p.repo.Dir, Ref: p.base})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "bundle")
	if err := bundle.Write(dir, res.Bundle); err != nil {
		t.Fatal(err)
	}
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, bundle.ManifestFile), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	p.repo.Checkout("feature2", true)
	head := p.repo.commit("add size", map[string]string{"schemas/ticks_v1.json": ticks("1.2.0", "ts", "price", "side", "exchange", "size")})

	root := p.run(base, head, nil, nil)
	if root.err != nil || root.res.Failed || root.res.Report.Walked != 2 {
		t.Fatalf("from the root: err %v, failed %v, walked %d", root.err, root.res.Failed, root.res.Report.Walked)
	}
	for _, tc := range []struct {
		name, since, log string
		walked           int
	}{
		{"Bundle", dir, "", 1},
		{"Missing", filepath.Join(t.TempDir(), "none"), "no bundle to continue from", 2},
		{"Broken", broken, "the bundle to continue from is unusable", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := p.run(base, head, nil, func(c *Config) { c.SinceBundle = tc.since })
			if out.err != nil || out.res.Failed || out.res.Report.Walked != tc.walked {
				t.Fatalf("err %v, failed %v, walked %d; want a pass after %d commits", out.err, out.res.Failed, out.res.Report.Walked, tc.walked)
			}
			if tc.log != "" && !strings.Contains(out.logs, tc.log) {
				t.Errorf("the log lacks %q:\n%s", tc.log, out.logs)
			}
			if diff := cmp.Diff(root.res.Report, out.res.Report, cmpopts.IgnoreFields(compiler.CheckReport{}, "Walked")); diff != "" {
				t.Errorf("the report differs from the one from the root (-root +got):\n%s", diff)
			}
			if out.comment != root.comment {
				t.Errorf("the comment differs from the one from the root:\n%s\nfrom the root:\n%s", out.comment, root.comment)
			}
		})
	}
}

// TestActionListsDependents: when a pull request changes a schema another
// refers to, the comment and the step summary name the dependent, the
// version it stays pinned to and what adopting the new one would mean.
func TestActionListsDependents(t *testing.T) {
	h := newHarness(t)
	fills := `{"id": "fills_v1", "version": "1.0.0", "type": "object", "properties": {"tick": {"$ref": "ticks_v1"}}}` + "\n"
	base := h.repo.commit("ticks and fills", map[string]string{
		"schemas/ticks_v1.json": ticks("1.0.0", "ts", "price", "side"),
		"schemas/fills_v1.json": fills,
	})
	h.repo.Checkout("feature", true)
	head := h.repo.commit("drop side", map[string]string{"schemas/ticks_v1.json": ticks("2.0.0", "ts", "price")})
	out := h.run(base, head, nil, nil)
	if out.err != nil {
		t.Fatal(out.err)
	}
	row := "| `fills_v1` 1.0.0 | 1.0.0 | 💥 breaking, needs a major bump | BACKWARD |"
	for name, body := range map[string]string{"comment": out.comment, "summary": out.summary} {
		if !strings.Contains(body, row) {
			t.Errorf("the %s lacks the dependent fills_v1:\n%s", name, body)
		}
	}
}
