package site

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"path"
	"strings"
	"sync"

	"github.com/schemareg/schemareg/internal/bundle"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets/site.css assets/site.js
var assetFS embed.FS

// The pages a renderer knows, each a template file beside layout.html.
const (
	pageIndex     = "index"
	pageSchema    = "schema"
	pageVersion   = "version"
	pageChangelog = "changelog"
	pageDiff      = "diff"
)

// notFoundPage is the page a CDN serves for an unknown path.
const notFoundPage = "404.html"

// siteInfo is what every page shows of the site.
type siteInfo struct {
	Title string
	// CSS and JS are the asset paths from the site root.
	CSS, JS string
}

// page is the data of one page. Root leads from the page's folder to the
// site root ("../../"); every link is Root and a path from the root.
type page struct {
	Site    *siteInfo
	Root    string
	Title   string
	Crumbs  []crumb
	Schema  *schemaView
	Version *versionView
	Body    *versionBody
	Diff    *diffView
	Schemas []*schemaView
	Search  template.JS
	Source  bundle.Source
	// Date and ShortCommit are those of Source, on the index.
	Date, ShortCommit string
	// Refusal is the last compile attempt, on the index, when it failed.
	Refusal *Refusal
}

// crumb is one step of the breadcrumb trail; Href is "" for the current page.
type crumb struct {
	Name, Href string
}

// versionBody is what a version's page and, for the latest, its schema's
// page show of its document.
type versionBody struct {
	Fields *fieldTable
	// FieldsHTML is Fields rendered for the page's root.
	FieldsHTML template.HTML
	Example    template.HTML
	Raw        template.HTML
}

// diffView is the data of a diff page.
type diffView struct {
	From, To   *versionView
	ChangeList changeList // with anchors for the line diff's flags
	Rows       template.HTML
	TooLarge   bool
}

// asset is a file of _assets, named after its content.
type asset struct {
	path string
	data []byte
}

// renderer holds the parsed templates of one generation. It is safe for
// concurrent use.
type renderer struct {
	site     *siteInfo
	pages    map[string]*template.Template
	notFound *template.Template
	assets   []asset
	style    string // the stylesheet, inlined into 404.html
	buffers  sync.Pool
}

// newRenderer reads the assets and parses the templates.
func newRenderer(title string) (*renderer, error) {
	r := &renderer{site: &siteInfo{Title: title}, pages: map[string]*template.Template{}}
	r.buffers.New = func() any { return new(bytes.Buffer) }
	for _, name := range []string{"site.css", "site.js"} {
		data, err := assetFS.ReadFile("assets/" + name)
		if err != nil {
			return nil, fmt.Errorf("read asset %s: %w", name, err)
		}
		sum := sha256.Sum256(data)
		ext := path.Ext(name)
		p := assetsDir + "/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
		r.assets = append(r.assets, asset{path: p, data: data})
		if ext == ".css" {
			r.site.CSS, r.style = p, string(data)
		} else {
			r.site.JS = p
		}
	}
	funcs := template.FuncMap{}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	for _, name := range []string{pageIndex, pageSchema, pageVersion, pageChangelog, pageDiff} {
		t, err := base.Clone()
		if err == nil {
			t, err = t.ParseFS(templateFS, "templates/"+name+".html")
		}
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		r.pages[name] = t
	}
	r.notFound, err = template.New("notfound.html").Funcs(funcs).ParseFS(templateFS, "templates/notfound.html")
	if err != nil {
		return nil, fmt.Errorf("parse template notfound: %w", err)
	}
	return r, nil
}

// render executes a page template and hands the page to write.
func (r *renderer) render(name string, p *page, write func([]byte) error) error {
	p.Site = r.site
	buf := r.buffers.Get().(*bytes.Buffer)
	defer r.buffers.Put(buf)
	buf.Reset()
	if err := r.pages[name].ExecuteTemplate(buf, "layout", p); err != nil {
		return fmt.Errorf("render %s page %q: %w", name, p.Title, err)
	}
	return write(buf.Bytes())
}

// renderNotFound renders 404.html. A CDN serves it at any path, so it
// carries its stylesheet inline and links home through home, an absolute
// URL or path.
func (r *renderer) renderNotFound(home string) ([]byte, error) {
	var buf bytes.Buffer
	data := struct {
		Site  *siteInfo
		Style template.CSS
		Home  string
	}{r.site, template.CSS(r.style), home}
	if err := r.notFound.ExecuteTemplate(&buf, "notfound", data); err != nil {
		return nil, fmt.Errorf("render %s: %w", notFoundPage, err)
	}
	return buf.Bytes(), nil
}

// changeList is the data of the changes table.
type changeList struct {
	Caption string
	Changes []changeView
	// Anchors gives each row its id, for the flags of a line diff.
	Anchors bool
}

// newChangeList builds the data of a changes table.
func newChangeList(caption string, changes []changeView, anchors bool) changeList {
	return changeList{Caption: caption, Changes: changes, Anchors: anchors}
}
