// Double-click-proof forms: once a form is submitted, its data-once buttons are disabled.
// (After the event, so the clicked button's name/value is still sent.)
document.addEventListener("submit", function (e) {
  var buttons = e.target.querySelectorAll("[data-once]");
  if (buttons.length) {
    setTimeout(function () {
      buttons.forEach(function (b) { b.disabled = true; });
    }, 0);
  }
});
// Coming back with the browser's Back button shows the page as it was left: enable again.
window.addEventListener("pageshow", function (e) {
  if (e.persisted) {
    document.querySelectorAll("[data-once]").forEach(function (b) { b.disabled = false; });
  }
});

// Countdowns: every [data-expires-at] shows the time left, each second. The absolute local
// time is on the page already, so without JavaScript nothing is lost. Time is measured from
// the server's clock at render (data-now), so a phone set to the wrong time still counts right.
(function () {
  var timers = document.querySelectorAll("[data-expires-at]");
  if (!timers.length) { return; }
  var loaded = Date.now();
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var elapsed = Date.now() - loaded;
    timers.forEach(function (el) {
      var end = Date.parse(el.getAttribute("data-expires-at"));
      var serverNow = Date.parse(el.getAttribute("data-now") || "");
      var now = isNaN(serverNow) ? Date.now() : serverNow + elapsed;
      if (isNaN(end)) { return; }
      var s = Math.max(0, Math.floor((end - now) / 1000));
      var text;
      if (s === 0) {
        text = el.getAttribute("data-over") || "";
      } else {
        var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600);
        var m = Math.floor(s % 3600 / 60), sec = s % 60;
        var t = (d ? (el.getAttribute("data-days") || "{d}d").replace("{d}", d) + " " : "")
          + pad(h) + ":" + pad(m) + ":" + pad(sec);
        text = (el.getAttribute("data-left") || "{t}").replace("{t}", t);
      }
      if (el.textContent !== text) { el.textContent = text; }
      el.hidden = false;
    });
  }
  tick();
  setInterval(tick, 1000);
})();

// The phone menu scrolls sideways: show the current page's item.
(function () {
  var current = document.querySelector(".nav [aria-current]");
  var nav = current && current.closest(".nav");
  if (!nav || nav.scrollWidth <= nav.clientWidth) { return; }
  nav.scrollLeft = current.offsetLeft - nav.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
})();

// Filters that apply on change ([data-autosubmit]); a <noscript> button does it without
// JavaScript. Here rather than in onchange="", which the Content-Security-Policy refuses.
document.addEventListener("change", function (e) {
  if (e.target.matches && e.target.matches("[data-autosubmit]") && e.target.form) {
    e.target.form.submit();
  }
});

// A table wider than its box scrolls sideways: the keyboard must reach it too (WCAG 2.1.1),
// so the box becomes focusable, a region named by its caption or its section's heading.
(function () {
  document.querySelectorAll(".table-scroll").forEach(function (box) {
    if (box.scrollWidth <= box.clientWidth || box.hasAttribute("tabindex")) { return; }
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    var caption = box.querySelector("caption");
    var section = box.closest("[aria-labelledby]");
    if (caption && caption.textContent.trim()) {
      box.setAttribute("aria-label", caption.textContent.trim());
    } else if (section) {
      box.setAttribute("aria-labelledby", section.getAttribute("aria-labelledby"));
    }
  });
})();
