package site

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBrowser opens the site in headless Chromium, served under /docs/ and
// from file://, and does what a reader does: types in the search box,
// follows a schema, switches versions, opens a diff. Screenshots of each
// step go to the test's artifact directory (go test -artifacts keeps them).
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test starts Chromium; it does not run with -short")
	}
	bin := findChromium(t)
	dir, _ := mustGenerate(t, hostileBundle(t), Options{Title: "Market data schemas"})
	srv := httptest.NewServer(http.StripPrefix("/docs", Handler(os.DirFS(dir))))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	b := startBrowser(t, bin)
	shots := t.ArtifactDir()
	t.Logf("screenshots in %s", shots)
	p := b.newTab(t, ctx, shots)
	base := srv.URL + "/docs/"

	t.Run("Search", func(t *testing.T) {
		p.t = t
		p.navigate(base)
		p.screenshot("index")
		p.key("Tab", 9)
		var focused string
		p.eval(`document.activeElement.textContent`, &focused)
		if focused != "Skip to content" {
			t.Errorf("the first Tab focuses %q, want the skip link", focused)
		}
		p.click("#q")
		p.typeText("exchange")
		p.waitFor("one schema to match", `document.querySelectorAll("#schemas tbody tr:not([hidden])").length === 1`)
		var row struct{ ID, Note, Count string }
		p.eval(`(() => { const r = document.querySelector("#schemas tbody tr:not([hidden])");
			return {ID: r.dataset.id, Note: r.querySelector(".match").textContent,
				Count: document.getElementById("q-count").textContent}; })()`, &row)
		if row.ID != "ticks_v1" || !strings.Contains(row.Note, "exchange") || row.Count != "1 of 6 schemas match" {
			t.Errorf("search for a field name shows %+v", row)
		}
		p.screenshot("search")
	})

	t.Run("FollowSchema", func(t *testing.T) {
		p.t = t
		p.click("#schemas tbody tr:not([hidden]) th a")
		p.waitFor("the schema page", `location.pathname === "/docs/ticks_v1/index.html" && document.readyState === "complete"`)
		var h1 string
		p.eval(`document.querySelector("h1").textContent`, &h1)
		if h1 != "ticks_v1 Level-1 ticks" {
			t.Errorf("h1 %q", h1)
		}
		p.screenshot("schema")
	})

	t.Run("SwitchVersion", func(t *testing.T) {
		p.t = t
		p.click("details.menu summary")
		p.waitFor("the version menu to open", `document.querySelector("details.menu").open`)
		p.screenshot("version-menu")
		p.key("Escape", 27)
		p.waitFor("Escape to close the menu", `!document.querySelector("details.menu").open`)
		p.click("details.menu summary")
		p.click(`details.menu a[href$="ticks_v1/1.1.0/index.html"]`)
		p.waitFor("version 1.1.0", `location.pathname === "/docs/ticks_v1/1.1.0/index.html" && document.readyState === "complete"`)
		var h1 string
		p.eval(`document.querySelector("h1").textContent`, &h1)
		if h1 != "ticks_v1 1.1.0" {
			t.Errorf("h1 %q", h1)
		}
		p.click(`a[href="#field-exchange"]`)
		p.waitFor("the field's row to be the target", `document.querySelector("tr:target") && document.querySelector("tr:target").id === "field-exchange"`)
		p.screenshot("version")
	})

	t.Run("OpenDiff", func(t *testing.T) {
		p.t = t
		p.click(`a[href$="diff/1.0.0..1.1.0/index.html"]`)
		p.waitFor("the diff page", `location.pathname === "/docs/ticks_v1/diff/1.0.0..1.1.0/index.html" && document.readyState === "complete"`)
		var added int
		p.eval(`document.querySelectorAll("table.diff tr.ins").length`, &added)
		if added == 0 {
			t.Error("the diff of 1.0.0 and 1.1.0 shows no added line")
		}
		p.screenshot("diff")
		p.navigate(base + "ticks_v1/diff/1.1.1..2.0.0/")
		var breaking struct{ Changes, Lines int }
		p.eval(`({Changes: document.querySelectorAll("table.changes tr.breaking").length,
			Lines: document.querySelectorAll("table.diff tr.breaking").length})`, &breaking)
		if breaking.Changes == 0 || breaking.Lines == 0 {
			t.Errorf("the breaking diff marks %+v", breaking)
		}
		p.screenshot("diff-breaking")
	})

	t.Run("HostileContent", func(t *testing.T) {
		p.t = t
		for _, page := range []string{"zz_hostile/", "zz_hostile/1.0.1/", "zz_hostile/changelog/", "zz_hostile/diff/1.0.0..1.0.1/", ""} {
			p.navigate(base + page)
			var xss bool
			p.eval(`typeof window.__xss !== "undefined"`, &xss)
			if xss {
				t.Errorf("%s ran the schema's script", page)
			}
		}
		p.navigate(base + "zz_hostile/")
		p.screenshot("hostile")
	})

	t.Run("FileURL", func(t *testing.T) {
		p.t = t
		index := (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(dir, "index.html"))}).String()
		p.navigate(index + "?q=depth")
		p.waitFor("the search from the URL", `document.querySelectorAll("#schemas tbody tr:not([hidden])").length === 1`)
		p.click("#schemas tbody tr:not([hidden]) th a")
		p.waitFor("the schema page from file://", `location.pathname.endsWith("/quotes_v1/index.html") && document.readyState === "complete"`)
		var styled bool
		p.eval(`getComputedStyle(document.querySelector(".skip")).position === "absolute"`, &styled)
		if !styled {
			t.Error("the stylesheet did not load from file://")
		}
		p.screenshot("file-url")
	})

	for _, problem := range b.takeProblems() {
		t.Errorf("page problem: %s", problem)
	}
}
