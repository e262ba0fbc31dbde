// A keying expert's page: every change of a rating is saved at once, and the page says
// honestly whether it was. Without this script the buttons post the form, which saves too.
(function () {
  "use strict";
  var form = document.getElementById("rating-form");
  if (!form || form.dataset.closed) return;
  var statusEl = document.getElementById("save-status");
  var texts = JSON.parse(document.body.dataset.i18n || "{}");
  var position = parseInt(form.dataset.position, 10);
  var inFlight = null;   // the promise of the save being sent
  var pending = false;   // a change arrived while a save was in flight
  var retryDelay = 1000;

  function t(key, values) {
    var text = texts[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.replace("{" + name + "}", values[name]);
    });
    return text;
  }

  function setStatus(text, cls) {
    statusEl.textContent = text;
    statusEl.className = "save-status " + (cls || "");
  }

  function csrfInputs() { return form.querySelectorAll("input[name=csrf_token]"); }

  function currentRatings() {
    var ratings = {};
    form.querySelectorAll("fieldset.rating").forEach(function (group) {
      var checked = group.querySelector("input[type=radio]:checked");
      if (checked) ratings[group.dataset.option] = parseInt(checked.value, 10);
    });
    return ratings;
  }

  function showProgress(rated, total) {
    var bar = document.getElementById("rated-progress");
    if (bar) bar.value = rated;
    var count = document.getElementById("rated-count");
    if (count) count.textContent = t("rated", {rated: rated, total: total});
  }

  function closed(message) {
    setStatus(message, "warn");
    form.querySelectorAll("input[type=radio]").forEach(function (input) { input.disabled = true; });
  }

  // A long pause can lose the session and its CSRF token: fetch a new one, then retry.
  function renewCsrf() {
    return fetch(form.dataset.saveUrl.replace(/\/save$/, "/csrf"), {credentials: "same-origin"})
      .then(function (res) { return res.json(); })
      .then(function (data) {
        if (data.csrf) csrfInputs().forEach(function (input) { input.value = data.csrf; });
      });
  }

  function send() {
    setStatus(t("saving"), "busy");
    return fetch(form.dataset.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfInputs()[0].value},
      body: JSON.stringify({position: position, ratings: currentRatings()})
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (res.ok && data.ok) {
          retryDelay = 1000;
          setStatus(t("saved"), "ok");
          showProgress(data.rated, data.total);
          return;
        }
        if (data.closed) { closed(data.error); return; }
        if (data.csrf) { return renewCsrf().then(function () { throw new Error("csrf renewed"); }); }
        if (res.status === 422) { setStatus(data.error || t("check"), "warn"); return; }
        throw new Error(data.error || ("HTTP " + res.status));
      });
    });
  }

  // One save at a time, so that an older one never lands after a newer one; a change made
  // meanwhile is sent when it returns, and a failure is retried with a growing pause.
  function save() {
    if (inFlight) { pending = true; return inFlight; }
    inFlight = send().catch(function () {
      setStatus(t("retrying"), "warn");
      return new Promise(function (resolve) {
        setTimeout(resolve, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 15000);
      }).then(function () { pending = true; });
    }).then(function () {
      inFlight = null;
      if (pending) { pending = false; return save(); }
    });
    return inFlight;
  }

  form.addEventListener("change", function (event) {
    if (event.target.type === "radio") save();
  });
})();
