// The item editor, enhanced: the empty "add another" entry shows on request and can be
// repeated; an entry ticked for removal is dimmed. Without this script the form works
// the same: one empty entry is always there and empty entries are ignored.
(function () {
  "use strict";
  var form = document.querySelector("form.item-editor");
  if (!form) return;

  function domId(name) { return "f-" + name.replace(/\./g, "-"); }

  // Turn a copy of entry `from` (e.g. options.4) into entry `to` (options.5).
  function renumber(entry, from, to) {
    entry.id = domId(to);
    entry.dataset.name = to;
    entry.querySelectorAll("[name], [id], label[for]").forEach(function (el) {
      if (el.name && el.name.indexOf(from + ".") === 0) el.name = to + el.name.slice(from.length);
      if (el.id && el.id.indexOf(domId(from)) === 0) el.id = domId(to) + el.id.slice(domId(from).length);
      var target = el.getAttribute("for");
      if (target && target.indexOf(domId(from)) === 0) {
        el.setAttribute("for", domId(to) + target.slice(domId(from).length));
      }
    });
  }

  form.querySelectorAll("fieldset.entry.blank").forEach(function (blank) {
    var name = blank.dataset.name;
    var list = name.replace(/\.\d+$/, "");
    var next = parseInt(name.slice(list.length + 1), 10);
    var template = blank.cloneNode(true);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "add-entry";
    button.textContent = blank.querySelector("legend").textContent;
    blank.classList.add("hidden");
    blank.parentNode.insertBefore(button, blank.nextSibling);
    var shown = false;
    button.addEventListener("click", function () {
      var entry = blank;
      if (shown) {
        next += 1;
        entry = template.cloneNode(true);
        renumber(entry, name, list + "." + next);
        button.parentNode.insertBefore(entry, button);
      }
      shown = true;
      entry.classList.remove("hidden");
      var first = entry.querySelector("input:not([type=checkbox]), textarea");
      if (first) first.focus();
    });
  });

  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.name && /\._remove$/.test(box.name)) {
      box.closest("fieldset.entry").classList.toggle("removing", box.checked);
    }
  });
})();
