// Search and filter forms marked data-drop-empty send only the fields that have a value, so addresses
// stay clean and shareable (?kecamatan=36.04.09, not ?q=&kecamatan=36.04.09&kategori=). Without this
// script the server redirects such an address to the clean one (catalogue/views_catalogue.py).
(function () {
  "use strict";

  function dropEmpty(formData) {
    var names = [];
    formData.forEach(function (value, name) {
      if (names.indexOf(name) === -1) { names.push(name); }
    });
    names.forEach(function (name) {
      var kept = formData.getAll(name).filter(function (value) { return value !== ""; });
      formData.delete(name);
      kept.forEach(function (value) { formData.append(name, value); });
    });
    return formData;
  }

  // A plain submit (no htmx, or htmx not loaded yet): go to the clean address ourselves.
  document.querySelectorAll("form[data-drop-empty]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented || (window.htmx && form.hasAttribute("data-hx-get"))) { return; }
      event.preventDefault();
      var query = new URLSearchParams(dropEmpty(new FormData(form))).toString();
      var action = form.getAttribute("action") || window.location.pathname;
      window.location.assign(action + (query ? "?" + query : ""));
    });
  });

  // htmx requests from such a form: the same, before htmx builds the address it requests and pushes.
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form[data-drop-empty]");
    if (form && event.detail.formData) { dropEmpty(event.detail.formData); }
  });
})();
