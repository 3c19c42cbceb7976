package site

import (
	"bytes"
	"encoding/xml"
	"strconv"
)

// maxSitemapURLs is the most URLs one sitemap may list.
const maxSitemapURLs = 50000

// sitemapURL is a page of the sitemap: its folder from the site root, with
// its trailing slash, and the time it last changed.
type sitemapURL struct {
	Path    string
	LastMod string
}

// writeSitemaps writes sitemap.xml: one sitemap, or, past maxSitemapURLs, a
// sitemap index of sitemap-1.xml, sitemap-2.xml and so on.
func (g *generation) writeSitemaps(urls []sitemapURL) error {
	if len(urls) <= maxSitemapURLs {
		return g.out.write("sitemap.xml", g.sitemap(urls))
	}
	var index bytes.Buffer
	index.WriteString(xml.Header)
	index.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for n := 0; n*maxSitemapURLs < len(urls); n++ {
		part := urls[n*maxSitemapURLs : min(len(urls), (n+1)*maxSitemapURLs)]
		name := "sitemap-" + strconv.Itoa(n+1) + ".xml"
		if err := g.out.write(name, g.sitemap(part)); err != nil {
			return err
		}
		index.WriteString("<sitemap><loc>")
		xml.EscapeText(&index, []byte(g.opts.BaseURL+name))
		index.WriteString("</loc></sitemap>\n")
	}
	index.WriteString("</sitemapindex>\n")
	return g.out.write("sitemap.xml", index.Bytes())
}

// sitemap renders one sitemap. Its locations start with Options.BaseURL;
// without one they are relative to the site root.
func (g *generation) sitemap(urls []sitemapURL) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, u := range urls {
		loc := g.opts.BaseURL + u.Path
		if loc == "" {
			loc = "./"
		}
		b.WriteString("<url><loc>")
		xml.EscapeText(&b, []byte(loc))
		b.WriteString("</loc>")
		if u.LastMod != "" {
			b.WriteString("<lastmod>")
			xml.EscapeText(&b, []byte(u.LastMod))
			b.WriteString("</lastmod>")
		}
		b.WriteString("</url>\n")
	}
	b.WriteString("</urlset>\n")
	return b.Bytes()
}
