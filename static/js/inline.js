// Inline actions (templates/_htmx.html): a button changes one row without reloading the page.
// The row htmx has just put in place says what happened: its message takes the focus, so a
// screen reader reads it and the keyboard carries on from that row, not from the top.
document.addEventListener("htmx:load", function (e) {
  var note = e.detail.elt.querySelector && e.detail.elt.querySelector("[data-focus]");
  if (note) { note.focus(); }
});

// Anything but a row (an expired page, a record gone, a server error, no network): send the
// form again the ordinary way, so the person sees what they would without JavaScript.
function tuoweiResubmit(e) {
  var form = e.detail.elt;
  if (form && form.tagName === "FORM") { form.submit(); }
}
document.addEventListener("htmx:responseError", tuoweiResubmit);
document.addEventListener("htmx:sendError", tuoweiResubmit);
