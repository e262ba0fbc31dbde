// Numeric answers that read two ways (9.940: 9940 or 9,94): show the server's question
// after an autosave, and forget it when the typed number changes. Choosing a reading is
// a change of the form, which candidate.js saves like any other.
(function () {
  "use strict";
  var box = document.getElementById("number-confirm");
  var input = document.getElementById("value");
  if (!box || !input) return;

  function readingsOf(fieldset) {
    return Array.prototype.map.call(fieldset.querySelectorAll("input[name=reading]"),
                                    function (radio) { return radio.value; }).join("|");
  }

  function show(confirm) {
    var current = box.querySelector("fieldset");
    var wanted = confirm.readings.map(function (r) { return r.value; }).join("|");
    // The same question already shown: leave it as it is. The choice on the page is
    // newer than the save that answers (the change of the number saves before it).
    if (current && readingsOf(current) === wanted) return;
    var fieldset = document.createElement("fieldset");
    fieldset.className = "options confirm-reading";
    var legend = document.createElement("legend");
    legend.textContent = confirm.question;
    fieldset.appendChild(legend);
    confirm.readings.forEach(function (reading) {
      var label = document.createElement("label");
      label.className = "option";
      var radio = document.createElement("input");
      radio.type = "radio"; radio.name = "reading"; radio.value = reading.value;
      radio.checked = reading.value === confirm.chosen;
      label.appendChild(radio);
      label.appendChild(document.createTextNode(" " + reading.label));
      fieldset.appendChild(label);
    });
    box.replaceChildren(fieldset);
  }

  document.addEventListener("answer-saved", function (event) {
    var data = event.detail || {};
    if (data.confirm) show(data.confirm);
    else if (data.accepted) box.replaceChildren();
  });
  // A reading belongs to the number it was asked about.
  input.addEventListener("input", function () { box.replaceChildren(); });
})();
