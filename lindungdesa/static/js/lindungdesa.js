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

  // A request htmx sent that did not succeed (the connection lost on a slow link, a refused or failed
  // answer) says so above what sent it: htmx swaps nothing then, and the button would seem to do nothing.
  // The texts are the page's (base.html), so they are translated like the others.
  function showFailure(elt, text) {
    var note = elt.previousElementSibling;
    if (!note || !note.hasAttribute("data-htmx-failure")) {
      note = document.createElement("p");
      note.className = "message message-error";
      note.setAttribute("role", "alert");
      note.setAttribute("data-htmx-failure", "");
      elt.insertAdjacentElement("beforebegin", note);
    }
    note.textContent = text;
  }
  var texts = document.body.dataset;
  document.body.addEventListener("htmx:sendError", function (event) {
    showFailure(event.detail.elt, texts.htmxOffline);
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    showFailure(event.detail.elt, texts.htmxFailed.replace("%s", event.detail.xhr.status));
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var note = event.detail.elt.previousElementSibling;
    if (event.detail.successful && note && note.hasAttribute("data-htmx-failure")) {
      note.remove();
    }
  });
})();
