// Candidate page: autosave every change (through savequeue.js), count down from the
// server's deadline. The page works without this script: the form posts save the answer.
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
    document.addEventListener("submit", function (event) {
      if (!event.defaultPrevented) ownNavigation();  // a held move is no navigation yet
    });
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
        setTimeout(timeUp);  // once the whole page is set up, save queue included
        return;
      }
    };
    var handle = setInterval(tick, 1000);
    tick();
  }

  // ---- save queue: every change kept in this browser until the server has it ----
  var body = document.body.dataset;
  var queue = body.saveUrl && window.HiringSaveQueue ? new window.HiringSaveQueue({
    url: body.saveUrl, attemptKey: body.attemptKey,
    csrf: function () { return csrf ? csrf.value : ""; },
    renewCsrf: renewCsrf,
    onState: showState, onConflict: conflict, onRejected: rejected,
    // What the server says of a stored answer (a number it asks about) is for the page.
    onSaved: function (atPosition, data) {
      if (form && atPosition === position) {
        document.dispatchEvent(new CustomEvent("answer-saved", {detail: data}));
      }
    },
    onClosed: function (done) { leave(done); }
  }) : null;
  var held = null;      // the page the candidate asked for while an answer waits
  var notice = false;   // a refusal is shown: "Saved" must not replace it

  // The session (and its CSRF token) can be lost during a long assessment: fetch a new
  // token and let the retry send the answer again.
  function renewCsrf() {
    return fetch(body.saveUrl.replace(/\/save$/, "/csrf"), {credentials: "same-origin"})
      .then(function (res) { return res.json(); })
      .then(function (data) {
        if (!data.csrf) return;
        document.querySelectorAll("input[name=csrf_token]").forEach(function (input) {
          input.value = data.csrf;
        });
      });
  }

  function showState(state) {
    if (state === "saving") {
      if (!notice) setStatus(t("saving"), "busy");
    } else if (state === "retrying") {
      notice = false;
      setStatus(held || !navigator.onLine ? t("held") : t("retrying"), "warn");
    } else if (state === "saved" && !notice) {
      setStatus(t("saved"), "ok");
    }
  }

  function conflict(atPosition, stored) {
    held = null;  // the candidate should see what is stored before moving on
    if (form && atPosition === position) {
      if (stored) fill(stored);
      kept = JSON.stringify(currentAnswer());
    }
    notice = true;
    setStatus(form && atPosition === position ? t("changed")
              : t("changed_at", {position: atPosition}), "warn");
  }

  function rejected(atPosition, error) {
    held = null;
    if (form && atPosition === position) kept = null;  // not stored: moving on tries again
    notice = true;
    setStatus(error || t("check_answer"), "warn");
  }

  function leave(url) {
    ownNavigation();
    window.location.assign(url);
  }

  // A number the server asks about (9.940: 9940 or 9,94) is answered before moving on.
  function unchosenReading() {
    var box = document.getElementById("number-confirm");
    if (!box || !box.querySelector("input[name=reading]")) return null;
    return box.querySelector("input[name=reading]:checked") ? null
      : box.querySelector("input[name=reading]");
  }

  function leaveUnlessAsked(url) {
    var first = unchosenReading();
    if (!first) { leave(url); return; }
    held = null;
    notice = true;
    setStatus(t("choose_reading"), "warn");
    first.focus();
  }

  // anyway: the clock moves on whatever is asked (the number stays as typed).
  function goWhenSaved(url, anyway) {
    var go = anyway ? leave : leaveUnlessAsked;
    if (!queue || !queue.pending()) { go(url); return; }
    held = url;
    setStatus(navigator.onLine ? t("saving") : t("held"), navigator.onLine ? "busy" : "warn");
    queue.drained().then(function () { if (held === url) go(url); });
  }

  if (queue) {
    window.addEventListener("online", queue.retryNow);
    window.addEventListener("offline", function () {
      if (queue.pending()) setStatus(t("held"), "warn");
    });
    // Leaving with an answer the server does not have yet asks first.
    window.addEventListener("beforeunload", function (event) {
      if (!queue.pending()) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }

  function timeUp() {
    setStatus(t("timeup"), "warn");
    if (form) {
      save();
      goWhenSaved(form.dataset.reviewUrl, true);
    } else {
      var submit = document.querySelector("form[action$='/submit']");
      if (!submit) return;
      // The clock submits, not the candidate: the server asks nothing and records it.
      var timeup = document.createElement("input");
      timeup.type = "hidden"; timeup.name = "timeup"; timeup.value = "1";
      submit.appendChild(timeup);
      if (queue) queue.drained().then(function () { ownNavigation(); submit.submit(); });
      else { ownNavigation(); submit.submit(); }
    }
  }

  // The review page: answers still waiting are sent before the submit goes.
  var submitForm = document.querySelector("form[action$='/submit']");
  if (submitForm && queue) {
    submitForm.addEventListener("submit", function (event) {
      if (!queue.pending()) return;
      event.preventDefault();
      setStatus(navigator.onLine ? t("saving") : t("held"), "warn");
      queue.drained().then(function () { ownNavigation(); submitForm.submit(); });
    });
    queue.send();
  }

  if (!form) return;

  // ---- autosave ----------------------------------------------------------
  var position = parseInt(form.dataset.position, 10);
  var spentBefore = parseInt(form.dataset.timeSpent, 10) || 0;
  var openedAt = Date.now();
  var debounce = null;
  var fields = (form.dataset.fields || "").split(",").filter(Boolean);

  function timeSpent() { return spentBefore + (Date.now() - openedAt); }

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

  // Show an answer (one waiting to be sent, or the stored one) in the form's fields.
  function fill(answer) {
    fields.forEach(function (name) {
      var value = answer[name];
      var values = (Array.isArray(value) ? value : [value]).map(function (one) {
        return one === null || one === undefined ? "" : String(one);
      });
      form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
        if (input.type === "radio" || input.type === "checkbox") {
          input.checked = values.indexOf(input.value) !== -1;
        } else {
          input.value = values[0];
          input.dispatchEvent(new Event("refresh"));  // a word count follows
        }
      });
    });
  }

  var kept = null;  // the answer last kept or stored, as JSON
  if (queue) {
    queue.track(position, parseInt(form.dataset.revision, 10) || 0);
    // An answer given on this question that the server does not have yet (the page was
    // closed or reloaded before it could be sent) is what the page shows, and goes first.
    var waiting = queue.waiting(position);
    if (waiting !== undefined) {
      fill(waiting);
      var typed = document.getElementById("typing");
      if (typed && waiting.text) typed.readOnly = true;
    }
    kept = JSON.stringify(currentAnswer());
    if (queue.pending()) queue.send();
  }

  function save(later) {
    if (!queue) return;  // without the queue the form posts the answer
    var answer = currentAnswer();
    if (JSON.stringify(answer) === kept && !queue.pending()) return;
    kept = JSON.stringify(answer);
    notice = false;
    queue.keep(position, answer, timeSpent(), later);
  }

  form.addEventListener("change", function () { clearTimeout(debounce); save(); });
  form.addEventListener("input", function (event) {
    if (event.target.id === "typing") return;  // saved when the exercise ends
    if (event.target.tagName === "TEXTAREA" || event.target.type === "text") {
      // Kept at once; sent when the typing pauses.
      save(true);
      clearTimeout(debounce);
      debounce = setTimeout(function () { queue.send(); }, 800);
    }
  });

  // Moving to another question waits until the server has this one's answer.
  form.addEventListener("submit", function (event) {
    if (!queue) return;
    event.preventDefault();
    var go = event.submitter ? event.submitter.value : "next";
    clearTimeout(debounce);
    save();
    goWhenSaved(go === "prev" ? form.dataset.prevUrl
                : go === "review" ? form.dataset.reviewUrl : form.dataset.nextUrl);
  });

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
    area.addEventListener("refresh", update);
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
