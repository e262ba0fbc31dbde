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
  // A focus loss is an absence: the page hidden or without focus for longer than the
  // threshold (data-focus-loss-ms) while it stays open. Going to the assessment's next
  // page hides this one and takes its focus too, so reporting at once would count a
  // candidate who never left: the page waits, and its own navigation (Next, Previous,
  // review, submit, reload) cancels the wait. One report per absence, however long.
  var eventUrl = document.body.dataset.eventUrl;
  var FOCUS_LOSS_MS = parseInt(document.body.dataset.focusLossMs, 10) || 2000;
  function report(type, extra) {
    if (!eventUrl || !csrf) return;
    var body = Object.assign({type: type}, extra || {});
    fetch(eventUrl, {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf.value},
      body: JSON.stringify(body)
    }).catch(function () { /* a lost count is not worth a retry */ });
  }

  var hidden = document.visibilityState === "hidden";
  var blurred = false;
  var absence = null;        // the wait of an absence not yet long enough to count
  var reported = false;      // this absence has been counted
  var navigating = false;    // this page is going to another page of the assessment
  // Other open pages of the same attempt (a question opened in a new tab) say when they
  // are in front, and answer when asked: going to one of them is not leaving.
  var siblings = eventUrl && window.BroadcastChannel ? new BroadcastChannel(eventUrl) : null;

  function inFront() { return !hidden && !blurred; }
  function cancelAbsence() { clearTimeout(absence); absence = null; }

  function checkPresence() {
    if (inFront()) {
      cancelAbsence();
      reported = false;
      navigating = false;  // a navigation that was stopped is over
      if (siblings) siblings.postMessage("in front");
    } else if (!navigating && !reported && absence === null) {
      absence = setTimeout(function () {
        absence = null;
        reported = true;
        report("focus_lost");
      }, FOCUS_LOSS_MS);
      if (siblings) siblings.postMessage("in front?");
    }
  }

  function ownNavigation() { navigating = true; cancelAbsence(); }

  function isOwnLink(event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || event.defaultPrevented || event.button !== 0 || link.target ||
        event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return false;
    var url = new URL(link.href, window.location.href);
    return url.origin === window.location.origin &&
      url.pathname.indexOf(eventUrl.replace(/event$/, "")) === 0;
  }

  if (eventUrl) {
    document.addEventListener("visibilitychange", function () {
      hidden = document.visibilityState === "hidden";
      checkPresence();
    });
    window.addEventListener("blur", function () { blurred = true; checkPresence(); });
    window.addEventListener("focus", function () { blurred = false; checkPresence(); });
    window.addEventListener("beforeunload", ownNavigation);
    window.addEventListener("pagehide", ownNavigation);
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      // Back from the browser's page cache: open again, in front.
      navigating = blurred = false;
      hidden = document.visibilityState === "hidden";
      checkPresence();
    });
    document.addEventListener("submit", ownNavigation);
    document.addEventListener("click", function (event) {
      if (isOwnLink(event)) ownNavigation();
    });
    if (siblings) {
      siblings.onmessage = function (event) {
        if (event.data === "in front") cancelAbsence();
        else if (event.data === "in front?" && inFront()) siblings.postMessage("in front");
      };
    }
    checkPresence();  // a page that loads behind another tab starts absent
  }

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
    // Screen readers hear the time left at 10, 5 and 1 minutes and when the grace
    // period starts, from a polite region of its own; the ticking clock stays silent.
    var announcer = document.getElementById("timer-announcement");
    var announce = function (text) { if (announcer) announcer.textContent = text; };
    var lastLeft = null;
    var tick = function () {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      valueEl.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      timer.classList.toggle("low", left <= 120);
      if (lastLeft !== null) {
        [10, 5, 1].forEach(function (minutes) {
          if (lastLeft > 60 * minutes && left <= 60 * minutes) announce(t("left_" + minutes));
        });
      }
      lastLeft = left;
      if (left === 0) {
        clearInterval(handle);
        announce(t("timeup"));
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
      if (submit) {
        // The clock submits, not the candidate: the server asks nothing and records it.
        var timeup = document.createElement("input");
        timeup.type = "hidden"; timeup.name = "timeup"; timeup.value = "1";
        submit.appendChild(timeup);
        ownNavigation();
        submit.submit();
      }
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
          document.dispatchEvent(new CustomEvent("answer-saved", {detail: data}));
          return true;
        }
        if (data.closed && data.done) {
          ownNavigation();
          window.location = data.done;
          return true;
        }
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
    ownNavigation();  // form.submit() fires no submit event
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
