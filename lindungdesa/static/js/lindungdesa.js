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

  // "Check all" boxes of a table: <input type="checkbox" data-check-all="name"> toggles the name's boxes. Heard
  // on the document, so that a table htmx swapped in (the round's queue) has its box working too.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[data-check-all]")) {
      return;
    }
    var form = box.form || document;
    form.querySelectorAll('input[type="checkbox"][name="' + box.getAttribute("data-check-all") + '"]')
      .forEach(function (item) { item.checked = box.checked; });
  });

  // An upload (form[data-upload-busy]) says it is under way as it is sent, and its button cannot send the file
  // a second time: on a slow link a file takes minutes to go up and the page would seem to do nothing. The
  // form is still posted by the browser itself, as without JavaScript.
  function sizeText(bytes) {
    if (bytes < 1024 * 1024) {
      return Math.max(1, Math.round(bytes / 1024)) + " KB";
    }
    return (bytes / (1024 * 1024)).toFixed(1).replace(".", ",") + " MB";
  }
  document.querySelectorAll("form[data-upload-busy]").forEach(function (form) {
    var button = form.querySelector('button[type="submit"]');
    var status = form.querySelector("[data-upload-status]");
    var label = button ? button.textContent : "";
    form.addEventListener("submit", function (event) {
      if (form.hasAttribute("data-sending")) {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-sending", "");
      var input = form.querySelector('input[type="file"]');
      var file = input && input.files && input.files[0];
      if (status && file) {
        var bar = document.createElement("progress");
        status.textContent = status.getAttribute("data-upload-status")
          .replace("{berkas}", file.name).replace("{ukuran}", sizeText(file.size));
        status.insertBefore(bar, status.firstChild);
      }
      if (button) {
        // After the browser took the form's data: a disabled button's own value would not be sent.
        window.setTimeout(function () {
          button.disabled = true;
          button.textContent = form.getAttribute("data-upload-busy");
        }, 0);
      }
    });
    // Back to this page from the next one (the browser's page cache): ready to send another file.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        form.removeAttribute("data-sending");
        if (button) {
          button.disabled = false;
          button.textContent = label;
        }
        if (status) {
          status.textContent = "";
        }
      }
    });
  });

  // A download that takes a while to make (form[data-download-busy]: the Kemendagri report's PDF, about 20 s;
  // the monitoring round's letters, up to 200 in one PDF) says it is being prepared and cannot be asked for
  // twice: the file is fetched here and saved when it arrives, then the buttons are ready again. A form with
  // data-download-when="field=value" does so only when that field has that value (the round's other bulk
  // actions show the page again). Without JavaScript (or fetch) the form is sent as it is, a GET or a POST.
  function fileName(response) {
    var match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
    return match ? match[1] : "unduhan";
  }
  document.querySelectorAll("form[data-download-busy]").forEach(function (form) {
    // Where it says so: an element of the form marked for it, else the element after the form (a form's row
    // of fields has no room for a sentence).
    var status = form.querySelector("[data-download-status]") || form.nextElementSibling;
    if (status && !status.hasAttribute("data-download-status")) {
      status = null;
    }
    var buttons = form.querySelectorAll('button[type="submit"]');
    var post = (form.getAttribute("method") || "get").toLowerCase() === "post";
    var when = (form.getAttribute("data-download-when") || "").split("=");
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || !window.fetch || !window.URLSearchParams || !window.FormData) {
        return;
      }
      var field = when[0] ? form.elements[when[0]] : null;
      if (post ? when[0] && !(field && field.value === when[1]) : !button.name) {
        return;
      }
      event.preventDefault();
      if (form.hasAttribute("data-sending")) {
        return;
      }
      form.setAttribute("data-sending", "");
      var data = new FormData(form);
      if (button.name) {
        data.set(button.name, button.value);
      }
      var url, request;
      if (post) {
        // Not followed: a redirect is the page's answer to a refused request (its message waits in the session,
        // shown when the page is loaded again) or to a session that ended (the login page).
        // Not form.action: a field named "action" (the round's bulk form has one) hides that property.
        url = form.getAttribute("action") || window.location.href;
        request = {method: "POST", body: data, credentials: "same-origin", redirect: "manual"};
      } else {
        url = (form.getAttribute("action") || window.location.pathname) + "?" + new URLSearchParams(data).toString();
        request = {credentials: "same-origin"};
      }
      var label = button.textContent;
      buttons.forEach(function (item) { item.disabled = true; });
      button.textContent = form.getAttribute("data-download-busy");
      button.setAttribute("aria-busy", "true");
      if (status) {
        status.className = "message";
        status.textContent = status.getAttribute("data-download-status");
      }
      function ready(text, failed) {
        form.removeAttribute("data-sending");
        buttons.forEach(function (item) { item.disabled = false; });
        button.textContent = label;
        button.removeAttribute("aria-busy");
        if (status) {
          status.className = failed ? "message message-error" : "message";
          status.textContent = text;
        }
      }
      fetch(url, request).then(function (response) {
        if (response.type === "opaqueredirect") {
          window.location.assign(window.location.href);
          return null;
        }
        if (!response.ok) {
          ready(status ? status.getAttribute("data-download-failed").replace("%s", response.status) : "", true);
          return null;
        }
        if (!/attachment/.test(response.headers.get("Content-Disposition") || "")) {
          window.location.assign(url);  // not the file (the session ended: the login page): show it
          return null;
        }
        return response.blob().then(function (blob) {
          var link = document.createElement("a");
          link.href = URL.createObjectURL(blob);
          link.download = fileName(response);
          document.body.appendChild(link);
          link.click();
          link.remove();
          window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
          ready(status ? status.getAttribute("data-download-done") : "", false);
          // What the page shows of it may have changed (the letters' numbers in the round's queue): an
          // element listening for this (hx-trigger="download-done from:…") asks for itself again.
          form.dispatchEvent(new CustomEvent("download-done"));
        });
      }).catch(function () {
        ready(texts.htmxOffline, true);
      });
    });
  });

  // A form htmx swapped back with errors (a roster form on a phone is two screens long, its button at the
  // bottom): the first field marked wrong takes the focus and comes into view, else the form's message.
  document.body.addEventListener("htmx:load", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.registry-form")) {
      return;
    }
    var field = form.querySelector(".has-error input, .has-error select, .has-error textarea");
    var alert = form.querySelector('[role="alert"]');
    if (field) {
      field.focus();
    } else if (alert) {
      alert.setAttribute("tabindex", "-1");
      alert.focus();
    }
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
