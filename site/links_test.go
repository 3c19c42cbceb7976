package site

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/url"
	"path"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestLinks checks the example site: every page is well-formed HTML, every
// internal link and fragment resolves to a file and an id, nothing is
// fetched from another host, and the sitemap and JSON files parse.
func TestLinks(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"WithBaseURL", goldenOptions()},
		{"Relative", Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, stats := mustGenerate(t, exampleBundle(t), tc.opts)
			pages := checkSite(t, dir, tc.opts.BaseURL)
			if pages != stats.Pages {
				t.Errorf("checked %d pages, Generate reports %d", pages, stats.Pages)
			}
		})
	}
}

// parsedPage is what the link check needs of a page.
type parsedPage struct {
	ids   map[string]bool
	links []string // href and src values
}

// checkSite checks every file of a generated site and returns how many
// HTML pages it has.
func checkSite(t *testing.T, dir, baseURL string) int {
	t.Helper()
	tree := readTree(t, dir, true)
	pages := map[string]*parsedPage{}
	for name, data := range tree {
		switch path.Ext(name) {
		case ".html":
			p, problems := parseHTML(string(data))
			for _, pr := range problems {
				t.Errorf("%s: %s", name, pr)
			}
			pages[name] = p
		case ".json":
			if !json.Valid(data) {
				t.Errorf("%s: not valid JSON", name)
			}
		}
	}
	home := baseURL
	if home == "" {
		home = "/"
	}
	for name, p := range pages {
		for _, link := range p.links {
			if name == notFoundPage && link == home {
				continue // served at any path, it links home absolutely
			}
			if problem := checkLink(tree, pages, name, link); problem != "" {
				t.Errorf("%s: link %q: %s", name, link, problem)
			}
		}
	}
	for _, loc := range sitemapLocs(t, tree["sitemap.xml"]) {
		rel, ok := strings.CutPrefix(loc, baseURL)
		if !ok {
			t.Errorf("sitemap.xml: %s does not start with %q", loc, baseURL)
			continue
		}
		if problem := checkLink(tree, pages, "index.html", rel); problem != "" {
			t.Errorf("sitemap.xml: %s: %s", loc, problem)
		}
	}
	return len(pages)
}

// checkLink resolves a link of the page from, a slash path in the site.
func checkLink(tree map[string][]byte, pages map[string]*parsedPage, from, link string) string {
	u, err := url.Parse(link)
	switch {
	case err != nil:
		return err.Error()
	case u.Scheme != "" || u.Host != "" || strings.HasPrefix(link, "//"):
		return "points to another host"
	case strings.HasPrefix(u.Path, "/"):
		return "is absolute; links must be relative to work under any prefix"
	}
	target := from
	if u.Path != "" {
		target = path.Join(path.Dir(from), u.Path)
		if strings.HasSuffix(u.Path, "/") || u.Path == "." || u.Path == "./" {
			target = path.Join(target, "index.html")
		}
		if strings.HasPrefix(target, "../") || target == ".." {
			return "leaves the site"
		}
	}
	if _, ok := tree[target]; !ok {
		return "no file " + target
	}
	if u.Fragment != "" {
		p, ok := pages[target]
		if !ok {
			return "fragment into a file that is not a page"
		}
		if !p.ids[u.Fragment] {
			return "no id " + u.Fragment + " in " + target
		}
	}
	return ""
}

// parseHTML tokenizes a page and reports what is not well-formed: a tag
// closed out of order or never, a duplicate attribute or id, an id that a
// label, an aria reference or a link refers to but no element has.
func parseHTML(doc string) (*parsedPage, []string) {
	void := map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
		"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}
	p := &parsedPage{ids: map[string]bool{}}
	var problems, refs []string
	var stack []string
	counts := map[string]int{}
	if !strings.HasPrefix(doc, "<!DOCTYPE html>") {
		problems = append(problems, "does not start with <!DOCTYPE html>")
	}
	z := html.NewTokenizer(strings.NewReader(doc))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				problems = append(problems, z.Err().Error())
			}
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			counts[tok.Data]++
			seen := map[string]bool{}
			for _, a := range tok.Attr {
				if seen[a.Key] {
					problems = append(problems, "duplicate attribute "+a.Key+" on <"+tok.Data+">")
				}
				seen[a.Key] = true
				switch a.Key {
				case "id":
					if p.ids[a.Val] {
						problems = append(problems, "duplicate id "+a.Val)
					}
					p.ids[a.Val] = true
				case "href", "src":
					p.links = append(p.links, a.Val)
				case "for", "aria-describedby", "aria-labelledby":
					refs = append(refs, strings.Fields(a.Val)...)
				}
			}
			if tok.Data == "img" && !seen["alt"] {
				problems = append(problems, "<img> without alt")
			}
			if tok.Data == "button" && !seen["type"] {
				problems = append(problems, "<button> without type")
			}
			if tok.Data == "html" && !seen["lang"] {
				problems = append(problems, "<html> without lang")
			}
			if tt == html.SelfClosingTagToken && !void[tok.Data] {
				problems = append(problems, "self-closing <"+tok.Data+"/>")
			}
			if tt == html.StartTagToken && !void[tok.Data] {
				stack = append(stack, tok.Data)
			}
		case html.EndTagToken:
			if len(stack) == 0 || stack[len(stack)-1] != tok.Data {
				problems = append(problems, "unexpected </"+tok.Data+"> with open "+strings.Join(stack, ">"))
				continue
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		problems = append(problems, "unclosed "+strings.Join(stack, ">"))
	}
	for _, id := range refs {
		if !p.ids[id] {
			problems = append(problems, "refers to missing id "+id)
		}
	}
	for _, one := range []string{"h1", "main", "title"} {
		if counts[one] != 1 {
			problems = append(problems, "has "+strconv.Itoa(counts[one])+" <"+one+">, want one")
		}
	}
	return p, problems
}

func sitemapLocs(t *testing.T, data []byte) []string {
	t.Helper()
	var set struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(data, &set); err != nil {
		t.Fatalf("sitemap.xml: %v", err)
	}
	var locs []string
	for _, u := range set.URLs {
		locs = append(locs, u.Loc)
	}
	if len(locs) == 0 {
		t.Error("sitemap.xml lists no URL")
	}
	return locs
}
