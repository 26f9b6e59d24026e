// The browser side of `archbook serve`: live reload and the diagnostics overlay, compiled into the binary so a built site never carries them.

enum ReloadScript {
    /// Served as /__archbook/reload.js. It listens to /__archbook/events; a page from another server session or
    /// an older site reloads, and after every rebuild it fetches /__archbook/diagnostics.json and shows the
    /// problems. Text goes into the page only through textContent, never as markup: messages quote documents.
    static let javascript = #"""
    // archbook serve: live reload and build problems. Added by `archbook serve` only; `archbook build` never writes it.
    (function () {
      "use strict";
      var here = document.currentScript ? new URL(document.currentScript.src) : new URL(location.href);
      var session = here.searchParams.get("session");
      var site = here.searchParams.get("site");
      var shownAttempt = null;
      var dismissKey = "archbook-serve-dismissed";

      function connect() {
        var source = new EventSource("/__archbook/events");
        function onState(event) {
          var state;
          try { state = JSON.parse(event.data); } catch (e) { return; }
          if (state.session !== session || String(state.site) !== site) {
            location.reload();
            return;
          }
          if (state.attempt !== shownAttempt) {
            shownAttempt = state.attempt;
            refresh();
          }
        }
        source.addEventListener("hello", onState);
        source.addEventListener("reload", onState);
        source.addEventListener("status", onState);
        source.onerror = function () {
          // The browser retries by itself while the server is away; if it gave up, start over.
          if (source.readyState === EventSource.CLOSED) {
            source.close();
            setTimeout(connect, 1000);
          }
        };
      }

      function refresh() {
        fetch("/__archbook/diagnostics.json", { cache: "no-store" })
          .then(function (response) { return response.json(); })
          .then(render)
          .catch(function () {});
      }

      function element(tag, className, text) {
        var node = document.createElement(tag);
        if (className) { node.className = className; }
        if (text !== undefined) { node.textContent = text; }
        return node;
      }

      function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

      function remove() {
        var old = document.getElementById("archbook-overlay");
        if (old) { old.parentNode.removeChild(old); }
      }

      function stylesheet() {
        if (document.getElementById("archbook-overlay-style")) { return; }
        var link = document.createElement("link");
        link.id = "archbook-overlay-style";
        link.rel = "stylesheet";
        link.href = "/__archbook/overlay.css";
        document.head.appendChild(link);
      }

      function render(status) {
        remove();
        var problems = status.problems || [];
        if (!status.failure && problems.length === 0) { return; }
        try { if (sessionStorage.getItem(dismissKey) === status.digest) { return; } } catch (e) {}
        stylesheet();
        var box = element("section", "archbook-overlay");
        box.id = "archbook-overlay";
        box.setAttribute("aria-labelledby", "archbook-overlay-title");
        box.setAttribute("data-digest", status.digest);
        var head = element("div", "archbook-overlay-head");
        var title;
        if (status.failure) {
          title = "Build failed: showing the last site that built";
        } else {
          var parts = [];
          if (status.errors) { parts.push(plural(status.errors, "error")); }
          if (status.warnings) { parts.push(plural(status.warnings, "warning")); }
          var notes = problems.length - status.errors - status.warnings;
          if (notes > 0) { parts.push(plural(notes, "note")); }
          title = parts.join(", ") + " in the documents";
        }
        var heading = element("h2", "archbook-overlay-title", title);
        heading.id = "archbook-overlay-title";
        var close = element("button", "archbook-overlay-close", "Dismiss");
        close.type = "button";
        close.setAttribute("aria-label", "Dismiss the build problems");
        close.addEventListener("click", function () { dismiss(status.digest); });
        head.appendChild(heading);
        head.appendChild(close);
        box.appendChild(head);
        if (status.failure) {
          box.appendChild(element("pre", "archbook-overlay-failure", status.failure));
        }
        if (problems.length) {
          var list = element("ul", "archbook-overlay-list");
          problems.slice(0, 200).forEach(function (p) {
            var item = element("li", "archbook-overlay-problem archbook-" + p.severity);
            item.appendChild(element("span", "archbook-overlay-location", p.file + ":" + p.line + ":" + p.column));
            item.appendChild(document.createTextNode(" "));
            item.appendChild(element("span", "archbook-overlay-severity", p.severity));
            item.appendChild(document.createTextNode(" "));
            item.appendChild(element("span", "archbook-overlay-message", p.message));
            item.appendChild(document.createTextNode(" "));
            item.appendChild(element("span", "archbook-overlay-rule", "[" + p.rule + "]"));
            if (p.hint) { item.appendChild(element("div", "archbook-overlay-hint", p.hint)); }
            list.appendChild(item);
          });
          box.appendChild(list);
          if (problems.length > 200) {
            box.appendChild(element("p", "archbook-overlay-more", "and " + (problems.length - 200) + " more: see the terminal"));
          }
        }
        document.body.appendChild(box);
      }

      function dismiss(digest) {
        try { sessionStorage.setItem(dismissKey, digest); } catch (e) {}
        remove();
      }

      document.addEventListener("keydown", function (event) {
        var box = document.getElementById("archbook-overlay");
        if (event.key === "Escape" && box) {
          dismiss(box.getAttribute("data-digest") || "");
        }
      });

      connect();
    })();
    """#

    /// Served as /__archbook/overlay.css and linked by the script (a stylesheet, not inline styles, so a
    /// Content-Security-Policy with `style-src 'self'` allows it).
    static let stylesheet = """
    /* archbook serve: the build problems overlay. Colours and boxes are set on every element, since the
       site's own stylesheet (any theme's) also styles pre, ul, h2 and button. */
    .archbook-overlay {
      position: fixed; left: 1rem; right: 1rem; bottom: 1rem; z-index: 2147483647;
      max-height: 45vh; overflow: auto; box-sizing: border-box;
      padding: 0.75rem 1rem 1rem; border-radius: 0.5rem; border: 2px solid #b3261e;
      background: #1e1e1e; color: #f2f2f2; box-shadow: 0 0.5rem 2rem rgba(0, 0, 0, 0.45);
      font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; text-align: left;
    }
    .archbook-overlay-head { display: flex; align-items: center; gap: 1rem; justify-content: space-between; }
    .archbook-overlay-title { margin: 0; padding: 0; border: 0; font-size: 1rem; font-weight: 700; color: #ffb4ab; background: none; }
    .archbook-overlay-close {
      flex: none; font: inherit; padding: 0.25rem 0.75rem; border-radius: 0.25rem; cursor: pointer;
      background: #f2f2f2; color: #1e1e1e; border: 1px solid #f2f2f2;
    }
    .archbook-overlay-close:hover { background: #ffffff; }
    .archbook-overlay-close:focus-visible { outline: 3px solid #8ab4f8; outline-offset: 2px; }
    .archbook-overlay-failure {
      white-space: pre-wrap; margin: 0.75rem 0 0; padding: 0.5rem; border: 0; border-radius: 0.25rem;
      font: 13px/1.45 ui-monospace, monospace; color: #f2f2f2; background: #2b2b2b;
    }
    .archbook-overlay-list { list-style: none; margin: 0.75rem 0 0; padding: 0; background: none; }
    .archbook-overlay-problem { margin: 0; padding: 0.35rem 0; border-top: 1px solid #444; overflow-wrap: anywhere; color: #f2f2f2; background: none; }
    .archbook-overlay-location { font-family: ui-monospace, monospace; color: #c8c8c8; }
    .archbook-overlay-severity { font-weight: 700; }
    .archbook-error .archbook-overlay-severity { color: #ffb4ab; }
    .archbook-warning .archbook-overlay-severity { color: #ffd479; }
    .archbook-note .archbook-overlay-severity { color: #a8c7fa; }
    .archbook-overlay-rule { color: #c8c8c8; }
    .archbook-overlay-hint { color: #c8c8c8; margin-top: 0.15rem; }
    .archbook-overlay-more { margin: 0.5rem 0 0; color: #c8c8c8; }
    """
}
