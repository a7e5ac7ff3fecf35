// Searchable pickers (core.widgets.SearchSelect): a combobox that searches the official's area as
// one types, over the <select> the server drew. The select stays the form's value; it is hidden and
// holds the chosen option(s) only. No inline script or style (the site's CSP).
(function () {
  "use strict";

  var DELAY = 250;
  var counter = 0;

  function text(node, value) {
    node.textContent = value;
    return node;
  }

  function make(tag, className) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    return node;
  }

  function Picker(root) {
    this.root = root;
    this.select = root.querySelector("select");
    this.form = this.select.form;
    this.multiple = root.dataset.pickerMultiple === "true";
    this.source = root.dataset.pickerSource;
    this.dependsOn = root.dataset.pickerDepends ? this.field(root.dataset.pickerDepends) : null;
    this.near = root.dataset.pickerNear ? this.field(root.dataset.pickerNear) : null;
    this.results = [];
    this.active = -1;
    this.timer = null;
    this.request = null;
    this.build();
  }

  Picker.prototype.field = function (name) {
    return this.form ? this.form.elements.namedItem(name) : null;
  };

  Picker.prototype.emptyOption = function () {
    var first = this.select.options[0];
    return first && first.value === "" ? first : null;
  };

  Picker.prototype.build = function () {
    var id = this.select.id || "picker-" + ++counter;
    var label = document.querySelector('label[for="' + id + '"]');
    var empty = this.emptyOption();
    var note = this.root.querySelector("[data-picker-note]");
    if (note) note.hidden = true;

    this.input = make("input", this.select.className.replace("form-select", "form-control"));
    this.input.type = "text";
    this.input.id = id + "-search";
    this.input.autocomplete = "off";
    this.input.setAttribute("role", "combobox");
    this.input.setAttribute("aria-autocomplete", "list");
    this.input.setAttribute("aria-expanded", "false");
    this.input.setAttribute("aria-controls", id + "-listbox");
    if (this.select.getAttribute("aria-describedby")) {
      this.input.setAttribute("aria-describedby", this.select.getAttribute("aria-describedby"));
    }
    if (this.select.getAttribute("aria-invalid")) {
      this.input.setAttribute("aria-invalid", this.select.getAttribute("aria-invalid"));
    }
    this.input.placeholder = this.multiple ? (this.root.dataset.pickerAdd || "") : empty ? empty.text : "";
    if (label) label.htmlFor = this.input.id;
    else this.input.setAttribute("aria-label", this.select.name);

    this.listbox = make("ul", "list-group position-absolute w-100 shadow-sm picker-results");
    this.listbox.id = id + "-listbox";
    this.listbox.setAttribute("role", "listbox");
    if (label) this.listbox.setAttribute("aria-labelledby", label.id || (label.id = id + "-label"));
    this.listbox.hidden = true;
    this.listbox.style.zIndex = "1050";
    this.listbox.style.maxHeight = "20rem";
    this.listbox.style.overflowY = "auto";

    this.status = make("div", "form-text small");
    this.status.setAttribute("role", "status");

    this.select.hidden = true;
    this.select.setAttribute("aria-hidden", "true");
    this.select.tabIndex = -1;

    if (this.multiple) {
      this.chosen = make("ul", "list-unstyled d-flex flex-wrap gap-2 mb-2 picker-chosen");
      this.root.insertBefore(this.chosen, this.select);
      this.drawChosen();
    } else {
      this.input.value = this.select.value ? this.select.options[this.select.selectedIndex].text : "";
    }
    this.root.insertBefore(this.input, this.select);
    this.root.insertBefore(this.listbox, this.select);
    this.root.appendChild(this.status);

    var self = this;
    this.input.addEventListener("input", function () {
      self.schedule();
    });
    this.input.addEventListener("focus", function () {
      if (!self.multiple && self.select.value) self.input.select();
    });
    this.input.addEventListener("keydown", function (event) {
      self.key(event);
    });
    this.input.addEventListener("blur", function () {
      // Later than a click on an option (mousedown is handled first and keeps the focus).
      window.setTimeout(function () {
        self.close();
        if (self.multiple) return;
        // An emptied box unsets the choice (an optional producer can be taken off); otherwise the
        // box shows the choice again, whatever was typed.
        if (!self.input.value.trim()) self.clear();
        else self.showChosenText();
      }, 150);
    });
    this.listbox.addEventListener("mousedown", function (event) {
      var item = event.target.closest("[role=option]");
      if (!item) return;
      event.preventDefault();
      self.choose(Number(item.dataset.index));
    });
    if (this.dependsOn) {
      this.dependsOn.addEventListener("change", function () {
        self.clear();
      });
    }
  };

  Picker.prototype.showChosenText = function () {
    var option = this.select.options[this.select.selectedIndex];
    this.input.value = option && option.value ? option.text : "";
  };

  Picker.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () {
      self.search();
    }, DELAY);
  };

  Picker.prototype.search = function () {
    var params = new URLSearchParams({ q: this.input.value.trim().slice(0, 100) });
    if (this.dependsOn && this.dependsOn.value) params.set("village", this.dependsOn.value);
    if (this.near && this.near.value) params.set("near", this.near.value);
    if (this.request) this.request.abort();
    this.request = new AbortController();
    var self = this;
    fetch(this.source + "?" + params.toString(), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: this.request.signal,
    })
      .then(function (response) {
        return response.ok ? response.json() : { results: [] };
      })
      .then(function (answer) {
        self.show(answer.results || [], Boolean(answer.more));
      })
      .catch(function (error) {
        if (error.name !== "AbortError") self.show([], false);
      });
  };

  Picker.prototype.show = function (results, more) {
    var chosen = this.chosenValues();
    this.results = results.filter(function (row) {
      return chosen.indexOf(row.value) === -1 || !this.multiple;
    }, this);
    this.listbox.replaceChildren();
    this.active = -1;
    this.results.forEach(function (row, index) {
      var item = text(make("li", "list-group-item list-group-item-action"), row.label);
      item.id = this.listbox.id + "-" + index;
      item.dataset.index = String(index);
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      this.listbox.appendChild(item);
    }, this);
    var words = this.root.dataset;
    if (this.results.length) {
      var count = String(this.results.length) + (more ? "+" : "");
      this.status.textContent = (words.pickerFound || "{n}").replace("{n}", count);
    } else {
      this.close();
      this.status.textContent = words.pickerNone || "";
      return;
    }
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Picker.prototype.close = function () {
    this.listbox.hidden = true;
    this.status.textContent = "";
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  };

  Picker.prototype.move = function (step) {
    if (this.listbox.hidden || !this.results.length) {
      this.search();
      return;
    }
    var items = this.listbox.querySelectorAll("[role=option]");
    if (this.active >= 0) items[this.active].setAttribute("aria-selected", "false");
    items.forEach(function (item) {
      item.classList.remove("active");
    });
    this.active = (this.active + step + items.length) % items.length;
    var current = items[this.active];
    current.setAttribute("aria-selected", "true");
    current.classList.add("active");
    current.scrollIntoView({ block: "nearest" });
    this.input.setAttribute("aria-activedescendant", current.id);
  };

  Picker.prototype.key = function (event) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      this.move(1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      this.move(-1);
    } else if (event.key === "Enter") {
      if (!this.listbox.hidden && this.active >= 0) {
        event.preventDefault(); // choosing is not submitting the form
        this.choose(this.active);
      }
    } else if (event.key === "Escape") {
      if (!this.listbox.hidden) {
        event.preventDefault();
        this.close();
      }
    } else if (event.key === "Backspace" && this.multiple && !this.input.value) {
      var values = this.chosenValues();
      if (values.length) this.remove(values[values.length - 1]);
    }
  };

  Picker.prototype.chosenValues = function () {
    return Array.prototype.filter
      .call(this.select.options, function (option) {
        return option.selected && option.value;
      })
      .map(function (option) {
        return option.value;
      });
  };

  Picker.prototype.choose = function (index) {
    var row = this.results[index];
    if (!row) return;
    if (this.multiple) {
      var existing = Array.prototype.find.call(this.select.options, function (option) {
        return option.value === row.value;
      });
      if (existing) existing.selected = true;
      else this.select.appendChild(new Option(row.label, row.value, true, true));
      this.drawChosen();
      this.input.value = "";
    } else {
      var empty = this.emptyOption();
      this.select.replaceChildren();
      if (empty) this.select.appendChild(empty);
      this.select.appendChild(new Option(row.label, row.value, true, true));
      this.input.value = row.label;
    }
    this.close();
    this.select.dispatchEvent(new Event("change", { bubbles: true }));
  };

  Picker.prototype.clear = function () {
    if (this.multiple) return;
    var empty = this.emptyOption();
    if (!this.select.value) return;
    this.select.replaceChildren();
    if (empty) {
      this.select.appendChild(empty);
      empty.selected = true;
    }
    this.input.value = "";
    this.select.dispatchEvent(new Event("change", { bubbles: true }));
  };

  Picker.prototype.remove = function (value) {
    Array.prototype.forEach.call(this.select.options, function (option) {
      if (option.value === value) option.selected = false;
    });
    this.drawChosen();
    this.input.focus();
  };

  Picker.prototype.drawChosen = function () {
    var self = this;
    var removeWord = this.root.dataset.pickerRemove || "×";
    this.chosen.replaceChildren();
    Array.prototype.forEach.call(this.select.options, function (option) {
      if (!option.selected || !option.value) return;
      var item = make("li", "badge text-bg-light border d-flex align-items-center gap-1");
      item.appendChild(text(make("span"), option.text));
      var button = make("button", "btn-close btn-sm");
      button.type = "button";
      button.setAttribute("aria-label", removeWord + ": " + option.text);
      button.addEventListener("click", function () {
        self.remove(option.value);
      });
      item.appendChild(button);
      self.chosen.appendChild(item);
    });
  };

  function start(scope) {
    (scope || document).querySelectorAll("[data-picker]").forEach(function (root) {
      if (root.dataset.pickerReady) return;
      root.dataset.pickerReady = "true";
      new Picker(root);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () {
    start();
  });
  else start();
  // Forms that htmx swaps in later get their pickers too.
  document.addEventListener("htmx:afterSettle", function (event) {
    start(event.target);
  });
})();
