// A preview beside each Markdown field, rendered by the site itself (the same renderer and
// sanitiser as the public pages). Without this script the field is a plain textarea and
// the form works the same.
(function () {
  "use strict";
  var WAIT_MS = 400;

  function token(field) {
    var form = field.form || document;
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function attach(field) {
    var editor = document.createElement("div");
    editor.className = "markdown-editor";
    field.parentNode.insertBefore(editor, field);
    editor.appendChild(field);

    var preview = document.createElement("section");
    preview.className = "markdown-preview";
    var heading = document.createElement("h3");
    heading.id = field.id + "_preview_heading";
    heading.textContent = "Preview";
    preview.setAttribute("aria-labelledby", heading.id);
    var body = document.createElement("div");
    body.className = "markdown-preview-body";
    body.setAttribute("aria-live", "polite");
    preview.appendChild(heading);
    preview.appendChild(body);
    editor.appendChild(preview);

    var timer = null;
    var sent = 0;
    function refresh() {
      var number = ++sent;
      var data = new FormData();
      data.append("text", field.value);
      fetch(field.getAttribute("data-markdown-preview"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        redirect: "error",  // signed out meanwhile: the sign-in page is not a preview
        headers: { "X-CSRFToken": token(field) },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.text();
        })
        .then(function (html) {
          if (number === sent) {
            body.innerHTML = html;  // sanitised on the server, as the public pages are
          }
        })
        .catch(function () {
          if (number === sent) {
            body.textContent = "The preview is not available just now. Saving still works.";
          }
        });
    }
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, WAIT_MS);
    });
    refresh();
  }

  // Not the admin's hidden template for "Add another" rows, which is copied as it stands.
  function attachAll() {
    document
      .querySelectorAll("textarea[data-markdown-preview]:not([name*='__prefix__'])")
      .forEach(attach);
  }
  // The admin loads this in the page's head, before the fields exist.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", attachAll);
  } else {
    attachAll();
  }
})();
