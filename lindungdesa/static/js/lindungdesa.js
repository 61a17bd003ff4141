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
})();
