package site

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/schemareg/schemareg/compiler/arrowschema"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/internal/bundle"
)

// schema writes every file of the i-th schema of the manifest: its page,
// changelog, version pages, diffs, raw files and mirror files.
func (g *generation) schema(ctx context.Context, i int) error {
	s := &g.b.Manifest.Schemas[i]
	sv := newSchemaView(s, g.b.Files, g.b.Manifest.Violations)
	sv.Dependents = g.dependents[s.ID]
	id := s.ID
	if err := g.out.mkdir(id, id+"/changelog", id+"/diff", "api/schema/"+id); err != nil {
		return err
	}
	res := schemaResult{view: sv}
	var (
		latest    *versionBody
		prevLines *jsonLines
		urls      []sitemapURL
	)
	for j, vv := range sv.Versions {
		if err := ctx.Err(); err != nil {
			return err
		}
		v := vv.V
		dv := g.docs.byID[id][j]
		body, lines, paths, err := g.versionBody(dv, vv)
		if err != nil {
			return err
		}
		if err := g.out.mkdir(id + "/" + v.Version); err != nil {
			return err
		}
		body.FieldsHTML = fieldsHTML("../../", body.Fields)
		err = g.page(pageVersion, vv.Path, &page{
			Root:    "../../",
			Title:   id + " " + v.Version,
			Crumbs:  []crumb{{"Schemas", "index.html"}, {id, id + "/index.html"}, {v.Version, ""}},
			Version: vv,
			Body:    body,
		})
		if err != nil {
			return err
		}
		err = g.rawFiles(dv, vv, lines.data)
		dv.release()
		if err != nil {
			return err
		}
		if vv.Prev != nil {
			if err := g.diffPage(vv, prevLines, lines); err != nil {
				return err
			}
			urls = append(urls, sitemapURL{Path: dirOf(vv.DiffPath), LastMod: v.Time})
		}
		urls = append(urls, sitemapURL{Path: dirOf(vv.Path), LastMod: v.Time})
		prevLines = lines
		if vv == sv.Latest {
			latest = body
			res.search = searchEntry{ID: id, Title: s.Title, Fields: paths}
		}
	}
	if latest == nil {
		return fmt.Errorf("schema %s: latest version %s is not one of its versions", id, s.Latest)
	}
	schemaBody := *latest
	schemaBody.FieldsHTML = fieldsHTML("../", latest.Fields)
	err := g.page(pageSchema, id+"/index.html", &page{
		Root:    "../",
		Title:   id,
		Crumbs:  []crumb{{"Schemas", "index.html"}, {id, ""}},
		Schema:  sv,
		Version: sv.Latest,
		Body:    &schemaBody,
	})
	if err != nil {
		return err
	}
	err = g.page(pageChangelog, id+"/changelog/index.html", &page{
		Root:   "../../",
		Title:  "Changelog of " + id,
		Crumbs: []crumb{{"Schemas", "index.html"}, {id, id + "/index.html"}, {"Changelog", ""}},
		Schema: sv,
	})
	if err != nil {
		return err
	}
	versions, err := VersionsJSON(s)
	if err != nil {
		return err
	}
	if err := g.out.write(mirrorVersionsPath(id), versions); err != nil {
		return err
	}
	lastMod := sv.Latest.V.Time
	res.sitemap = append([]sitemapURL{{Path: id + "/", LastMod: lastMod}, {Path: id + "/changelog/", LastMod: lastMod}}, urls...)
	g.schemas[i] = res
	return nil
}

// page renders a page and writes it at name.
func (g *generation) page(template, name string, p *page) error {
	return g.r.render(template, p, func(data []byte) error { return g.out.write(name, data) })
}

// versionBody builds what a version page shows of the document: the field
// table, an example and the raw JSON, indented. It also fills in the
// view's own annotations, and returns the indented document and the field
// paths for the search index.
func (g *generation) versionBody(dv *docVersion, vv *versionView) (*versionBody, *jsonLines, []string, error) {
	doc, err := dv.document()
	if err != nil {
		return nil, nil, nil, err
	}
	sc, err := g.docs.scopeFor(dv)
	if err != nil {
		return nil, nil, nil, err
	}
	vv.Title, vv.Description = doc.Title(), doc.Description()
	vv.Compatibility = string(doc.Compatibility)
	fields, paths := buildFields(sc, doc, g.arrowSchema(dv, doc, sc), "Fields of "+dv.id+" "+dv.version.Version)
	order := make([]string, 0, len(fields.Rows))
	for _, f := range fields.Rows {
		order = append(order, f.Name)
	}
	lines := indentJSON(dv.data)
	return &versionBody{
		Fields:  fields,
		Example: preHTML(buildExample(sc, doc, order, &g.patterns)),
		Raw:     preHTML(lines.text),
	}, lines, paths, nil
}

// arrowSchema returns the Arrow schema of a version: the one its Arrow IPC
// file in the bundle holds, else the one the document maps to; nil when it
// has none.
func (g *generation) arrowSchema(dv *docVersion, doc *document.Document, sc *scope) *arrow.Schema {
	if data, ok := g.b.Files[bundle.ArrowFile(dv.id, dv.version.Version)]; ok {
		r, err := ipc.NewReader(bytes.NewReader(data))
		if err == nil {
			defer r.Release()
			return r.Schema()
		}
	}
	s, err := arrowschema.Schema(doc, sc.reg)
	if err != nil {
		return nil
	}
	return s
}

// rawFiles writes a version's canonical bytes as the download and the
// mirror file, and its Arrow schema.
func (g *generation) rawFiles(dv *docVersion, vv *versionView, data []byte) error {
	id, version := vv.Schema.ID, vv.V.Version
	if err := g.out.write(vv.JSONPath, data); err != nil {
		return err
	}
	if err := g.out.write(mirrorVersionPath(id, version), data); err != nil {
		return err
	}
	if len(vv.V.Deps) > 0 {
		bundled, err := g.bundled(dv, vv)
		if err != nil {
			return err
		}
		if err := g.out.write(mirrorBundledPath(id, version), bundled); err != nil {
			return err
		}
	}
	if vv.HasArrow {
		return g.out.write(vv.ArrowPath, g.b.Files[bundle.ArrowFile(id, version)])
	}
	return nil
}

// bundled returns a version's bundled form, with every dependency it is
// pinned to embedded, as the server's ?resolve=bundled serves it.
func (g *generation) bundled(dv *docVersion, vv *versionView) ([]byte, error) {
	doc, err := dv.document()
	if err != nil {
		return nil, err
	}
	deps := make([]*document.Document, 0, len(vv.V.Deps))
	for id, version := range vv.V.Deps {
		dep := g.docs.exact(id, version)
		if dep == nil {
			return nil, fmt.Errorf("%s %s is pinned to %s %s, which the bundle lacks", vv.Schema.ID, vv.V.Version, id, version)
		}
		d, err := dep.document()
		if err != nil {
			return nil, err
		}
		deps = append(deps, d)
	}
	return validate.Bundled(doc, deps), nil
}

// diffPage writes the diff between a version and the one before.
func (g *generation) diffPage(vv *versionView, oldLines, newLines *jsonLines) error {
	from, to := vv.Prev.V.Version, vv.V.Version
	id := vv.Schema.ID
	d := &diffView{From: vv.Prev, To: vv, ChangeList: newChangeList("Changes from "+from+" to "+to, vv.Changes, true)}
	lines, ok := diffLines(oldLines.lines, newLines.lines)
	if ok {
		paths := make([]string, len(vv.Changes))
		for k, c := range vv.Changes {
			paths[k] = c.Path
		}
		oldAt, oldExact := oldLines.locate(paths)
		newAt, newExact := newLines.locate(paths)
		// A change's path is in the new document, or in the old one for
		// something removed.
		oldFlags, newFlags := map[int][]lineFlag{}, map[int][]lineFlag{}
		for _, c := range vv.Changes {
			flag := lineFlag{anchor: c.Anchor, breaking: c.Breaking}
			if n, ok := oldAt[c.Path]; ok && oldExact[c.Path] && !newExact[c.Path] {
				oldFlags[n] = append(oldFlags[n], flag)
			} else if n, ok := newAt[c.Path]; ok {
				newFlags[n] = append(newFlags[n], flag)
			}
		}
		d.Rows = diffTable(oldLines, newLines, lines, oldFlags, newFlags)
	} else {
		d.TooLarge = true
	}
	if err := g.out.mkdir(dirOf(vv.DiffPath)); err != nil {
		return err
	}
	return g.page(pageDiff, vv.DiffPath, &page{
		Root:   "../../../",
		Title:  id + " " + from + " → " + to,
		Crumbs: []crumb{{"Schemas", "index.html"}, {id, id + "/index.html"}, {from + " → " + to, ""}},
		Diff:   d,
	})
}

// dirOf returns the folder of a page's index.html, with its trailing slash.
func dirOf(indexPath string) string {
	return strings.TrimSuffix(indexPath, "index.html")
}
