// Drag to reorder a child's waits (志愿顺序), where scripts run: a progressive enhancement.
// The 上移/下移 buttons do the same without JavaScript; a drag posts the whole new order
// through the page's hidden form for that child (templates/waitlists/mine.html).
(function () {
  document.querySelectorAll("[data-rank-list]").forEach(function (list) {
    var form = document.getElementById(list.getAttribute("data-rank-list"));
    var rows = list.querySelectorAll("[data-entry-id]");
    if (!form || rows.length < 2 || !("draggable" in rows[0])) { return; }
    var dragged = null, before = "";
    function order() {
      return Array.prototype.map.call(list.querySelectorAll("[data-entry-id]"),
        function (row) { return row.getAttribute("data-entry-id"); });
    }
    rows.forEach(function (row) {
      row.setAttribute("draggable", "true");
      row.classList.add("draggable");
      row.addEventListener("dragstart", function (e) {
        dragged = row;
        before = order().join(",");
        row.classList.add("dragging");
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", row.getAttribute("data-entry-id"));
      });
      row.addEventListener("dragover", function (e) {
        if (!dragged || dragged === row) { return; }
        e.preventDefault();
        var box = row.getBoundingClientRect();
        list.insertBefore(dragged, e.clientY > box.top + box.height / 2 ? row.nextSibling : row);
      });
      row.addEventListener("drop", function (e) { e.preventDefault(); });
      row.addEventListener("dragend", function () {
        row.classList.remove("dragging");
        dragged = null;
        var now = order();
        if (now.join(",") === before) { return; }
        form.querySelectorAll("input[name=entry_ids]").forEach(function (i) { i.remove(); });
        now.forEach(function (id) {
          var input = document.createElement("input");
          input.type = "hidden";
          input.name = "entry_ids";
          input.value = id;
          form.appendChild(input);
        });
        list.setAttribute("aria-busy", "true");
        form.submit();
      });
    });
    var hint = list.closest("section") && list.closest("section").querySelector("[data-drag-hint]");
    if (hint) { hint.hidden = false; }
  });
})();
