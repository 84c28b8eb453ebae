// 就近 search (docs/search.md), progressive: the page works without this file.
// "Use my location" asks the browser for its position (WGS-84), puts it in the form's hidden
// `near` field with datum=wgs84 (the server converts it to GCJ-02, the datum centres are
// stored in) and submits; picking a distance chip submits at once.
(function () {
  var form = document.getElementById("search-form");
  if (!form) { return; }
  var button = form.querySelector("[data-locate]");
  var status = form.querySelector("[data-locate-status]");
  function submit() {
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }
  if (button && "geolocation" in navigator) {
    button.hidden = false;
    button.addEventListener("click", function () {
      if (status) { status.textContent = button.getAttribute("data-busy"); }
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements.near.value = pos.coords.latitude.toFixed(6) + "," +
          pos.coords.longitude.toFixed(6);
        form.elements.datum.value = "wgs84";
        var origin = form.elements.origin;
        if (origin) {
          if (!origin.querySelector('option[value="here"]')) {
            var opt = document.createElement("option");
            opt.value = "here";
            opt.textContent = button.textContent;
            origin.insertBefore(opt, origin.options[1] || null);
          }
          origin.value = "here";
        }
        var page = form.elements.page;
        if (page) { page.value = "1"; }
        submit();
      }, function () {
        button.disabled = false;
        if (status) { status.textContent = button.getAttribute("data-denied"); }
      }, {enableHighAccuracy: false, timeout: 10000, maximumAge: 300000});
    });
  }
  // A city narrows the district list at once: [[code, city, label], ...] from the server.
  var city = form.elements.city, district = form.elements.district;
  if (city && district && form.dataset.districts) {
    var all = JSON.parse(form.dataset.districts);
    city.addEventListener("change", function () {
      var keep = district.value;
      district.options.length = 0;
      district.add(new Option(form.dataset.allDistricts, ""));
      all.forEach(function (d) {
        if (!city.value || d[1] === city.value) { district.add(new Option(d[2], d[0])); }
      });
      district.value = keep;
      if (district.value !== keep) { district.value = ""; }
    });
  }
  form.querySelectorAll("[data-autosubmit]").forEach(function (input) {
    input.addEventListener("change", submit);
  });
})();
