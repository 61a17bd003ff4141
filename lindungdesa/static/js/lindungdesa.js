// Small enhancements; every page works without them. Loaded with `defer`, no inline scripts (CSP).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Period selectors submit as soon as a month is picked; the button stays for browsers without JavaScript.
  document.querySelectorAll("form[data-auto-submit] select").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form.requestSubmit) {
        select.form.requestSubmit();
      } else {
        select.form.submit();
      }
    });
  });

  // "Check all" boxes of a table: <input type="checkbox" data-check-all="name"> toggles the name's boxes.
  document.querySelectorAll("input[data-check-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      var form = box.form || document;
      form.querySelectorAll('input[type="checkbox"][name="' + box.getAttribute("data-check-all") + '"]')
        .forEach(function (item) { item.checked = box.checked; });
    });
  });
})();
