package action

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// parseOutputFile reads a GITHUB_OUTPUT file the way the runner does:
// "name=value" lines, and "name<<DELIMITER" up to a line that is exactly
// DELIMITER.
func parseOutputFile(t *testing.T, data string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	lines := strings.Split(strings.TrimSuffix(data, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			n, v, _ := strings.Cut(lines[i], "=")
			out[n] = append(out[n], v)
			continue
		}
		var value []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			value = append(value, lines[i])
		}
		if i == len(lines) {
			t.Fatalf("output %s: no closing delimiter %q", name, delim)
		}
		out[name] = append(out[name], strings.Join(value, "\n"))
	}
	return out
}

func TestOutputsCannotBeForged(t *testing.T) {
	// A value written with go-githubactions' fixed delimiter, or any
	// guessable one, that tries to end itself and set breaking=false.
	forged := "ticks_v1 a\n_GitHubActionsFileCommandDelimeter_\nbreaking<<EOF\nfalse\nEOF\nbreaking=false\n\rx\x1b[2J\u2028y"
	path := filepath.Join(t.TempDir(), "output")
	outs := [][2]string{{OutputBreaking, "true"}, {OutputChanged, forged}, {OutputReport, "r.json"}}
	if err := outputFile(path, outs, rand.Reader); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := parseOutputFile(t, string(data))
	if b := got[OutputBreaking]; !slices.Equal(b, []string{"true"}) {
		t.Errorf("breaking = %q, want only \"true\"\n%s", b, data)
	}
	want := `ticks_v1 a\n_GitHubActionsFileCommandDelimeter_\nbreaking<<EOF\nfalse\nEOF\nbreaking=false\n\rx\x1b[2J\u2028y`
	if c := got[OutputChanged]; len(c) != 1 || c[0] != want {
		t.Errorf("changed = %q, want the value on one line, escaped: %q", c, want)
	}
	if len(got) != 3 {
		t.Errorf("outputs %q, want exactly breaking, changed and report", got)
	}
	var delims []string
	for _, line := range strings.Split(string(data), "\n") {
		if n, d, ok := strings.Cut(line, "<<"); ok && (n == OutputBreaking || n == OutputChanged || n == OutputReport) {
			delims = append(delims, d)
		}
	}
	slices.Sort(delims)
	if len(slices.Compact(delims)) != len(outs) {
		t.Errorf("delimiters %q, want a different one per value", delims)
	}
	t.Run("GuessedDelimiter", func(t *testing.T) {
		// With a known random source, the delimiter is known: a value
		// holding it is refused, not written.
		zero := bytes.NewReader(make([]byte, 16))
		d := outputDelimiterPrefix + strings.Repeat("0", 32)
		err := outputFile(filepath.Join(t.TempDir(), "output"), [][2]string{{OutputChanged, "x\n" + d + "\nbreaking=false"}}, zero)
		if err == nil || !strings.Contains(err.Error(), "holds its delimiter") {
			t.Errorf("err %v, want the value refused", err)
		}
	})
}

func TestStickyCommentOnlyOwn(t *testing.T) {
	marker := commentMarker(testWorkflow, testJob)
	for _, integration := range []bool{false, true} {
		name := "UserToken"
		if integration {
			name = "InstallationToken"
		}
		t.Run(name, func(t *testing.T) {
			p := newPR(t)
			p.gh.integration = integration
			p.gh.addCommentsBy("mallory", marker+"\n### schemareg: ✅ compatible (forged)")
			p.gh.addComments(marker + "\nold verdict")
			head := p.repo.commit("drop side", map[string]string{"schemas/ticks_v1.json": ticks("1.1.0", "ts", "price")})
			out := p.run(p.base, head, nil, func(c *Config) { c.Labels = false })
			if out.err != nil {
				t.Fatal(out.err)
			}
			if out.res.Comment == nil || out.res.Comment.ID != 2 {
				t.Errorf("comment %+v, want comment 2 (the token's own) updated", out.res.Comment)
			}
			if got := p.gh.commentsWith("(forged)"); len(got) != 1 || got[0] != marker+"\n### schemareg: ✅ compatible (forged)" {
				t.Errorf("the forged comment was edited: %q", got)
			}
			for _, r := range out.requests {
				if strings.HasPrefix(r, "PATCH ") && !strings.Contains(r, "/issues/comments/2 ") {
					t.Errorf("edited a comment the token did not write: %s", r)
				}
			}
			if integration && !slices.Contains(out.requests, "POST /graphql -> 200") {
				t.Errorf("requests %q, want the viewer asked for after GET /user is refused", out.requests)
			}
		})
	}
	t.Run("OnlyForeign", func(t *testing.T) {
		p := newPR(t)
		p.gh.addCommentsBy("mallory", marker+"\nforged")
		head := p.repo.commit("add size", map[string]string{"schemas/ticks_v1.json": ticks("1.1.0", "ts", "price", "side", "size")})
		out := p.run(p.base, head, nil, func(c *Config) { c.Labels = false })
		if out.err != nil {
			t.Fatal(out.err)
		}
		if p.gh.commentCount() != 2 || len(p.gh.commentsWith("forged")) != 1 {
			t.Errorf("%d comments, want the forged one left and a new one created", p.gh.commentCount())
		}
	})
}

func TestCommentNeutralisesSchemaContent(t *testing.T) {
	p := newPR(t)
	hostile := `@octocat see https://evil.example/x and www.evil.example, pay $5 for $x^2$ or mail a@evil.example`
	head := p.repo.commit("retitle", map[string]string{
		"schemas/ticks_v1.json": strings.Replace(ticks("1.0.1", "ts", "price", "side"), `"title": "Ticks"`, `"title": "`+hostile+`"`, 1),
	})
	out := p.run(p.base, head, nil, nil)
	if out.err != nil {
		t.Fatal(out.err)
	}
	if !strings.Contains(out.comment, "octocat") {
		t.Fatalf("the comment does not show the changed title:\n%s", out.comment)
	}
	for _, active := range []string{"@octocat", "https://evil", "www.evil", "@evil"} {
		if strings.Contains(out.comment, active) {
			t.Errorf("the comment has %q active:\n%s", active, out.comment)
		}
	}
	if n, escaped := strings.Count(out.comment, "$"), strings.Count(out.comment, `\$`); n != 3 || escaped != 3 {
		t.Errorf("%d dollar signs, %d escaped; want all 3 escaped:\n%s", n, escaped, out.comment)
	}
}
