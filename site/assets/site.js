// schemareg docs: the search box, copy buttons and the version menu's
// keyboard handling. Every page works without this script.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") {
      fn();
    } else {
      document.addEventListener("DOMContentLoaded", fn);
    }
  }

  // Search: filter the schema table by id, title and field names, from the
  // JSON index embedded in the page.
  function setupSearch() {
    var form = document.querySelector("form[data-search]");
    var data = document.getElementById("search-index");
    var table = document.getElementById("schemas");
    if (!form || !data || !table) {
      return;
    }
    var entries;
    try {
      entries = JSON.parse(data.textContent);
    } catch (e) {
      return;
    }
    var rows = {};
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr[data-id]"), function (tr) {
      rows[tr.getAttribute("data-id")] = tr;
    });
    var input = form.querySelector("input");
    var count = document.getElementById("q-count");
    var none = document.getElementById("no-match");
    form.hidden = false;
    form.addEventListener("submit", function (e) {
      e.preventDefault();
    });

    function match(entry, terms) {
      var fields = [];
      for (var i = 0; i < terms.length; i++) {
        var t = terms[i];
        if (entry.id.toLowerCase().indexOf(t) >= 0 || entry.title.toLowerCase().indexOf(t) >= 0) {
          continue;
        }
        var hit = false;
        for (var j = 0; j < entry.fields.length; j++) {
          if (entry.fields[j].toLowerCase().indexOf(t) >= 0) {
            hit = true;
            if (fields.indexOf(entry.fields[j]) < 0) {
              fields.push(entry.fields[j]);
            }
          }
        }
        if (!hit) {
          return null;
        }
      }
      return fields;
    }

    function run() {
      var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      entries.forEach(function (entry) {
        var tr = rows[entry.id];
        if (!tr) {
          return;
        }
        var fields = terms.length ? match(entry, terms) : [];
        tr.hidden = fields === null;
        var note = tr.querySelector(".match");
        if (note) {
          note.textContent = fields && fields.length ? "Fields: " + fields.slice(0, 6).join(", ") : "";
        }
        if (fields !== null) {
          shown++;
        }
      });
      count.textContent = terms.length ? shown + " of " + entries.length + " schemas match" : "";
      none.hidden = shown !== 0;
    }

    input.addEventListener("input", run);
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) {
      input.value = q;
    }
    run();
  }

  // Copy buttons copy the text of the element they name.
  function setupCopy() {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (!target) {
        return;
      }
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        var text = target.textContent;
        var done = function () {
          button.textContent = "Copied";
          window.setTimeout(function () {
            button.textContent = label;
          }, 2000);
        };
        var fallback = function () {
          var range = document.createRange();
          range.selectNodeContents(target);
          var selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          try {
            if (document.execCommand("copy")) {
              done();
            }
          } catch (e) {
            // The text stays selected for the reader to copy.
          }
        };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text).then(done, fallback);
        } else {
          fallback();
        }
      });
    });
  }

  // Menus (details elements) close on Escape, returning focus to their
  // summary, and when the reader clicks elsewhere.
  function setupMenus() {
    var menus = document.querySelectorAll("details.menu");
    if (!menus.length) {
      return;
    }
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") {
        return;
      }
      Array.prototype.forEach.call(menus, function (menu) {
        if (menu.open) {
          menu.open = false;
          menu.querySelector("summary").focus();
        }
      });
    });
    document.addEventListener("click", function (e) {
      Array.prototype.forEach.call(menus, function (menu) {
        if (menu.open && !menu.contains(e.target)) {
          menu.open = false;
        }
      });
    });
  }

  ready(function () {
    setupSearch();
    setupCopy();
    setupMenus();
  });
})();
