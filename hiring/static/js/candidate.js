// Candidate page: autosave every change, count down from the server's deadline.
// The page works without this script: the form posts save the answer too.
(function () {
  "use strict";
  var form = document.getElementById("item-form");
  var statusEl = document.getElementById("save-status");
  var csrf = document.querySelector("input[name=csrf_token]");
  var texts = JSON.parse(document.body.dataset.i18n || "{}");

  function t(key, values) {
    var text = texts[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.replace("{" + name + "}", values[name]);
    });
    return text;
  }

  function setStatus(text, cls) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.className = "save-status " + (cls || "");
  }

  // ---- integrity facts: counted, never judged here ---------------------------
  var eventUrl = document.body.dataset.eventUrl;
  function report(type, extra) {
    if (!eventUrl || !csrf) return;
    var body = Object.assign({type: type}, extra || {});
    fetch(eventUrl, {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf.value},
      body: JSON.stringify(body)
    }).catch(function () { /* a lost count is not worth a retry */ });
  }
  var away = false;
  function left() { if (!away) { away = true; report("focus_lost"); } }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") left(); else away = false;
  });
  window.addEventListener("blur", left);
  window.addEventListener("focus", function () { away = false; });
  document.addEventListener("paste", function (event) {
    var text = (event.clipboardData && event.clipboardData.getData("text")) || "";
    var position = form ? parseInt(form.dataset.position, 10) : null;
    report("paste", {position: position, chars: text.length});
  }, true);

  // ---- timer -------------------------------------------------------------
  var timer = document.getElementById("timer");
  if (timer) {
    var endsAt = Date.now() + 1000 * parseInt(timer.dataset.secondsLeft, 10);
    var valueEl = document.getElementById("timer-value");
    var tick = function () {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      valueEl.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      timer.classList.toggle("low", left <= 120);
      if (left === 0) {
        clearInterval(handle);
        timeUp();
        return;
      }
    };
    var handle = setInterval(tick, 1000);
    tick();
  }

  function timeUp() {
    setStatus(t("timeup"), "warn");
    if (form) {
      flush().then(function () { submitForm("review"); });
    } else {
      var submit = document.querySelector("form[action$='/submit']");
      if (submit) submit.submit();
    }
  }

  if (!form) return;

  // ---- autosave ----------------------------------------------------------
  var position = parseInt(form.dataset.position, 10);
  var seq = parseInt(form.dataset.seq, 10) || 0;
  var spentBefore = parseInt(form.dataset.timeSpent, 10) || 0;
  var openedAt = Date.now();
  var inFlight = null;   // the promise of the save being sent
  var pending = false;   // a change arrived while a save was in flight
  var retryDelay = 1000;
  var debounce = null;

  function timeSpent() { return spentBefore + (Date.now() - openedAt); }

  var fields = (form.dataset.fields || "").split(",").filter(Boolean);

  function currentAnswer() {
    var data = new FormData(form);
    var answer = {};
    fields.forEach(function (name) {
      var values = data.getAll(name);
      var box = form.querySelector("input[type=checkbox][name='" + name + "']");
      if (box) answer[name] = values;
      else if (values.length) answer[name] = values[0];
    });
    return answer;
  }

  // The session (and its CSRF token) can be lost during a long assessment: fetch a new
  // token and let the retry send the answer again.
  function renewCsrf() {
    return fetch(form.dataset.saveUrl.replace(/\/save$/, "/csrf"), {credentials: "same-origin"})
      .then(function (res) { return res.json(); })
      .then(function (data) {
        if (!data.csrf) return;
        document.querySelectorAll("input[name=csrf_token]").forEach(function (input) {
          input.value = data.csrf;
        });
      });
  }

  function send() {
    seq += 1;
    var body = JSON.stringify({
      position: position, seq: seq, answer: currentAnswer(), time_spent_ms: timeSpent()
    });
    setStatus(t("saving"), "busy");
    return fetch(form.dataset.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf.value},
      body: body
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (res.ok && data.ok) {
          retryDelay = 1000;
          setStatus(t("saved"), "ok");
          return true;
        }
        if (data.closed && data.done) { window.location = data.done; return true; }
        if (data.csrf) { return renewCsrf().then(function () { throw new Error("csrf renewed"); }); }
        if (res.status === 422) { setStatus(data.error || t("check_answer"), "warn"); return true; }
        throw new Error(data.error || ("HTTP " + res.status));
      });
    });
  }

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

  function flush() {
    clearTimeout(debounce);
    return inFlight ? inFlight.then(flush) : Promise.resolve();
  }

  form.addEventListener("change", function () { clearTimeout(debounce); save(); });
  form.addEventListener("input", function (event) {
    if (event.target.id === "typing") return;  // saved when the exercise ends
    if (event.target.tagName === "TEXTAREA" || event.target.type === "text") {
      clearTimeout(debounce);
      debounce = setTimeout(save, 800);
    }
  });

  // A plain post carries the next sequence number, so it is newer than any autosave.
  function stamp() {
    form.elements.seq.value = String(seq + 1);
    form.elements.time_spent_ms.value = String(timeSpent());
  }
  form.addEventListener("submit", stamp);

  function submitForm(go) {
    stamp();
    var input = document.createElement("input");
    input.type = "hidden"; input.name = "go"; input.value = go;
    form.appendChild(input);
    form.submit();
  }

  // ---- word count for written answers -----------------------------------
  var area = form.querySelector("textarea[data-max-words]");
  var counter = document.getElementById("word-count");
  if (area && counter) {
    var update = function () {
      var words = area.value.trim() ? area.value.trim().split(/\s+/).length : 0;
      var min = parseInt(area.dataset.minWords, 10), max = parseInt(area.dataset.maxWords, 10);
      counter.textContent = t("words", {count: words, min: min, max: max});
      counter.className = words > max ? "error" : "muted";
    };
    area.addEventListener("input", update);
    update();
  }

  // ---- typing exercise ----------------------------------------------------
  var typing = document.getElementById("typing");
  if (typing && !typing.readOnly) {
    var duration = 1000 * parseInt(typing.dataset.duration, 10);
    var clock = document.getElementById("typing-clock");
    var elapsedInput = form.elements.elapsed_ms;
    var passage = document.querySelector(".passage").textContent.trim();
    var startedAt = null, typingTimer = null;
    var finish = function () {
      clearInterval(typingTimer);
      elapsedInput.value = String(Math.min(Date.now() - startedAt, duration));
      typing.readOnly = true;
      clock.textContent = t("typing_done");
      save();
    };
    typing.addEventListener("paste", function (event) {
      event.preventDefault();
      clock.textContent = t("no_paste");
    });
    typing.addEventListener("input", function () {
      if (startedAt === null) {
        startedAt = Date.now();
        typingTimer = setInterval(function () {
          var left = Math.max(0, duration - (Date.now() - startedAt));
          clock.textContent = t("typing_left", {seconds: Math.ceil(left / 1000)});
          if (left === 0) finish();
        }, 250);
      }
      if (typing.value.length >= passage.length) finish();
    });
  }
})();
