/* Sortable and filterable tables, offline: no library, no network.
 *
 * A table rendered by survivors_perspectives.pages.auditor_tables carries the class "sp-sortable".
 * Each gets a labelled filter box above it (rows whose text, or hidden id, contains every
 * word typed stay visible) and header buttons that sort by that column, numbers as numbers
 * ("<0.001", "58%", "1,204" and "–" understood), with aria-sort telling screen readers
 * the order. Without JavaScript the table is shown whole, in its published order.
 */
(function () {
  "use strict";

  function sortKey(text) {
    var cleaned = text.replace(/[\s,%]/g, "").replace(/^[<>≤≥~]/, "");
    if (cleaned === "" || cleaned === "–" || cleaned === "-") {
      return { missing: true, number: NaN, text: "" };
    }
    var number = Number(cleaned);
    if (!isNaN(number)) {
      // "<0.001" sorts just below 0.001.
      if (/^</.test(text.trim())) { number -= 1e-12; }
      return { missing: false, number: number, text: text };
    }
    return { missing: false, number: NaN, text: text.toLocaleLowerCase() };
  }

  function compare(a, b) {
    if (a.missing !== b.missing) { return a.missing ? 1 : -1; }
    var aNum = !isNaN(a.number), bNum = !isNaN(b.number);
    if (aNum && bNum) { return a.number - b.number; }
    if (aNum !== bNum) { return aNum ? -1 : 1; }
    return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  }

  function rowText(row) {
    return (row.textContent + " " + (row.getAttribute("data-search") || "")).toLocaleLowerCase();
  }

  function makeSortable(table, index) {
    var body = table.tBodies[0];
    if (!body || !table.tHead) { return; }
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (row, i) { row.setAttribute("data-order", String(i)); });
    var headers = table.tHead.rows[table.tHead.rows.length - 1].cells;
    var status = document.createElement("p");
    status.className = "sp-table-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");

    var filterId = "sp-filter-" + index;
    var controls = document.createElement("div");
    controls.className = "sp-table-controls";
    var label = document.createElement("label");
    label.setAttribute("for", filterId);
    label.textContent = "Filter rows";
    var input = document.createElement("input");
    input.type = "search";
    input.id = filterId;
    input.placeholder = "words or an id";
    controls.appendChild(label);
    controls.appendChild(input);
    controls.appendChild(status);
    var wrap = table.closest(".sp-table-wrap") || table;
    wrap.parentNode.insertBefore(controls, wrap);

    function showCount() {
      var shown = rows.filter(function (r) { return !r.hidden; }).length;
      status.textContent = shown === rows.length
        ? rows.length + " rows"
        : shown + " of " + rows.length + " rows shown";
    }
    input.addEventListener("input", function () {
      var words = input.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
      rows.forEach(function (row) {
        var text = rowText(row);
        row.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
      });
      showCount();
    });
    showCount();

    Array.prototype.forEach.call(headers, function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sp-sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) {
          other.setAttribute("aria-sort", "none");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var keyed = rows.map(function (row) {
          var cell = row.cells[column];
          return { row: row, key: sortKey(cell ? cell.textContent : "") };
        });
        keyed.sort(function (a, b) {
          var order = compare(a.key, b.key);
          if (!ascending && !(a.key.missing || b.key.missing)) { order = -order; }
          return order || Number(a.row.getAttribute("data-order")) - Number(b.row.getAttribute("data-order"));
        });
        keyed.forEach(function (item) { body.appendChild(item.row); });
      });
    });
  }

  function init() {
    var tables = document.querySelectorAll("table.sp-sortable");
    Array.prototype.forEach.call(tables, makeSortable);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
