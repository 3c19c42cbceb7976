package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIndexShowsTheLastRefusal: a refused compile newer than the bundle is
// a banner on the index, escaped, naming the commit; without one there is
// none.
func TestIndexShowsTheLastRefusal(t *testing.T) {
	b := exampleBundle(t)
	opts := goldenOptions()
	opts.Refusal = &Refusal{Commit: strings.Repeat("d", 40), Time: "2026-03-04T10:00:00Z",
		Error: "schemas/ticks_v1.json:3: INVALID_BUMP: use 2.0.0 <script>"}
	dir, _ := mustGenerate(t, b, opts)
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	for _, want := range []string{`id="refusal"`, strings.Repeat("d", 40), "INVALID_BUMP: use 2.0.0 &lt;script&gt;", `datetime="2026-03-04T10:00:00Z"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the index lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "<script>") {
		t.Error("the refusal is not escaped")
	}
	dir, _ = mustGenerate(t, b, goldenOptions())
	page, err = os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(page), `id="refusal"`) {
		t.Error("a banner without a refusal")
	}
}

// TestBreakingBadgeFollowsTheVerdict: the index's badge says what the
// latest version's verdict says, not what its bump was.
func TestBreakingBadgeFollowsTheVerdict(t *testing.T) {
	b := exampleBundle(t)
	for i := range b.Manifest.Schemas {
		s := &b.Manifest.Schemas[i]
		if s.ID != "ticks_v1" {
			continue
		}
		latest := &s.Versions[len(s.Versions)-1]
		for _, tc := range []struct {
			bump       string
			compatible bool
			badge      bool
		}{{"major", true, false}, {"major", false, true}, {"minor", true, false}} {
			latest.Bump, latest.Compatible = tc.bump, tc.compatible
			sv := newSchemaView(s, b.Files, nil)
			if sv.Breaking != tc.badge {
				t.Errorf("bump %s compatible %v: badge %v, want %v", tc.bump, tc.compatible, sv.Breaking, tc.badge)
			}
		}
	}
}
