// The e-mail wording editor: a live preview with sample values, as the server renders it.
(function () {
  "use strict";
  var preview = document.getElementById("template-preview");
  var subject = document.getElementById("template-subject");
  var body = document.getElementById("template-body");
  if (!preview || !subject || !body) return;
  var samples = JSON.parse(preview.dataset.samples);
  var field = /\{([^{}\n]*)\}/g;  // the same rule as hiring/mail/templates.py
  var render = function (text) {
    return text.replace(field, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(samples, name) ? samples[name] : whole;
    });
  };
  var update = function () {
    document.getElementById("preview-subject").textContent = render(subject.value);
    document.getElementById("preview-body").textContent = render(body.value);
  };
  subject.addEventListener("input", update);
  body.addEventListener("input", update);
})();
