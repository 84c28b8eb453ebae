// The class view's "tick every child present" button: shown only where scripts run; the
// page works without it (each box ticked by hand).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector("[data-select-all]");
  if (!button) return;
  var boxes = document.querySelectorAll('input[name="child_ids"]');
  if (!boxes.length) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
    Array.prototype.forEach.call(boxes, function (b) { b.checked = !all; });
  });
});
