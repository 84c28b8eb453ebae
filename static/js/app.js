// Double-click-proof forms: a submit button marked data-once is disabled after the first submit.
document.addEventListener("submit", function (e) {
  var btn = e.target.querySelector("[data-once]");
  if (btn) { setTimeout(function () { btn.disabled = true; }, 0); }
});
