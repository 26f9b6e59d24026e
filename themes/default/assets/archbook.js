// archbook default theme: sortable and filterable index tables, ages of open action items, and
// keyboard access to Markdown tables and code blocks that scroll sideways.
// Pages work without it; this only adds interaction. No network access, no dependencies.
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var sort = cell.getAttribute("data-sort");
    return (sort !== null ? sort : cell.textContent).trim().toLowerCase();
  }

  function compare(a, b) {
    var na = parseFloat(a), nb = parseFloat(b);
    if (!isNaN(na) && !isNaN(nb) && String(na) === a && String(nb) === b) return na - nb;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var c = compare(cellValue(r1, index), cellValue(r2, index));
          return ascending ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  function makeFilter(select) {
    var table = document.querySelector("table." + select.getAttribute("data-filter-table"));
    var status = document.querySelector(".filter-count");
    if (!table) return;
    function apply() {
      var value = select.value, shown = 0, rows = table.tBodies[0].rows;
      Array.prototype.forEach.call(rows, function (row) {
        var visible = !value || row.getAttribute("data-status") === value;
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      if (status) status.textContent = shown + " of " + rows.length + " shown";
    }
    select.addEventListener("change", apply);
    apply();
  }

  function showAges() {
    var now = Date.now();
    Array.prototype.forEach.call(document.querySelectorAll("time[data-age]"), function (t) {
      var then = Date.parse(t.getAttribute("datetime"));
      if (isNaN(then)) return;
      var days = Math.floor((now - then) / 86400000);
      if (days >= 0) t.textContent = t.getAttribute("datetime") + " (" + days + (days === 1 ? " day" : " days") + " ago)";
    });
  }

  // Markdown tables and code blocks scroll sideways when they are wider than the page (see archbook.css).
  // One that scrolls gets tabindex=0, so keyboard users can focus it and scroll it with the arrow keys;
  // the others stay out of the tab order.
  var SCROLLERS = ".doc-body table, .intro table, .doc-body pre, .intro pre";

  function focusableScrollers() {
    Array.prototype.forEach.call(document.querySelectorAll(SCROLLERS), function (el) {
      if (el.scrollWidth > el.clientWidth + 1) {
        if (!el.hasAttribute("tabindex")) {
          el.setAttribute("tabindex", "0");
          el.setAttribute("data-scroll-focus", "");
        }
      } else if (el.hasAttribute("data-scroll-focus")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-scroll-focus");
      }
    });
  }

  document.querySelectorAll("table[data-sortable]").forEach(makeSortable);
  document.querySelectorAll("select[data-filter-table]").forEach(makeFilter);
  showAges();
  focusableScrollers();
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(focusableScrollers, 150);
  });
})();
