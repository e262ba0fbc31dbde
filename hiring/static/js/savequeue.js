// The save queue of a candidate's attempt: every change of an answer is kept in this
// browser (localStorage) until the server has acknowledged it, and sent one at a time.
// A save says which revision of the item's answer it changes ("base"); the server keeps
// one numbering per item for every tab and device, and refuses a save based on a revision
// that is no longer the stored one: the queue drops it and reports the stored answer.
// Entries are named by an opaque id of the attempt, never by its token, and by the page
// that made them, so that two tabs never send each other's changes; a page left with
// changes unsent (closed, reloaded, crashed) stops saying it is alive, and the next page
// of the attempt that opens takes its changes over and sends them.
(function () {
  "use strict";

  function memoryStore() {
    var items = {};
    return {
      getItem: function (key) { return key in items ? items[key] : null; },
      setItem: function (key, value) { items[key] = String(value); },
      removeItem: function (key) { delete items[key]; },
      keys: function () { return Object.keys(items); }
    };
  }

  function browserStore() {
    try {
      var store = window.localStorage, probe = "hiring.probe";
      store.setItem(probe, "1");
      store.removeItem(probe);
      return {
        getItem: function (key) { return store.getItem(key); },
        setItem: function (key, value) { store.setItem(key, value); },
        removeItem: function (key) { store.removeItem(key); },
        keys: function () {
          var keys = [];
          for (var i = 0; i < store.length; i++) keys.push(store.key(i));
          return keys;
        }
      };
    } catch (error) {
      return memoryStore();  // storage turned off or full: kept while the page is open
    }
  }

  var ALIVE_EVERY_MS = 2000;   // a page with changes unsent says it is alive this often
  var GONE_AFTER_MS = 6000;    // and is taken for gone when it has not said so for this long

  // options: url (the save endpoint), attemptKey, csrf() -> token, renewCsrf() -> promise,
  // and the reports: onState(state) with "saving", "saved" or "retrying";
  // onSaved(position, reply); onConflict(position, storedAnswer); onRejected(position, error);
  // onClosed(doneUrl).
  function SaveQueue(options) {
    var store = browserStore();
    var prefix = "hiring.pending." + options.attemptKey + ".";
    var page = Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
    var aliveKey = "hiring.alive." + options.attemptKey + ".";
    var revisions = {};      // position -> the revision of its answer the page knows
    var first = null;        // the page's own question: sent before any other
    var sending = null;      // position of the save in flight
    var retryTimer = null;
    var retryDelay = 1000;
    var aliveTimer = null;
    var waiters = [];
    var noop = function () {};
    var report = {
      state: options.onState || noop, saved: options.onSaved || noop,
      conflict: options.onConflict || noop,
      rejected: options.onRejected || noop, closed: options.onClosed || noop
    };

    function parse(text) {
      try { return JSON.parse(text); } catch (error) { return null; }
    }
    function read(position) { return parse(store.getItem(prefix + position + "." + page)); }
    function write(position, entry) {
      var key = prefix + position + "." + page, text = JSON.stringify(entry);
      try {
        store.setItem(key, text);
      } catch (error) {
        store = memoryStore();  // full: keep this page's changes in memory instead
        store.setItem(key, text);
      }
      alive();
    }
    function remove(position) {
      store.removeItem(prefix + position + "." + page);
      if (!positions().length) asleep();
    }
    // Every change waiting in this browser for the attempt: [{key, position, page}].
    function entries() {
      return store.keys().filter(function (key) { return key.indexOf(prefix) === 0; })
        .map(function (key) {
          var parts = key.slice(prefix.length).split(".");
          return {key: key, position: parseInt(parts[0], 10), page: parts[1]};
        }).filter(function (entry) { return entry.position > 0 && entry.page; });
    }
    function positions() {
      return entries().filter(function (entry) { return entry.page === page; })
        .map(function (entry) { return entry.position; })
        .sort(function (a, b) { return a - b; });
    }

    function alive() {
      if (aliveTimer !== null) return;
      var beat = function () {
        try { store.setItem(aliveKey + page, String(Date.now())); } catch (error) { /* full */ }
      };
      beat();
      aliveTimer = setInterval(beat, ALIVE_EVERY_MS);
    }
    function asleep() {
      clearInterval(aliveTimer);
      aliveTimer = null;
      store.removeItem(aliveKey + page);
    }

    // Take over the changes of pages that are gone; the newest change of a question wins,
    // and this page's own change, being newer still, is kept.
    function adopt() {
      var now = Date.now(), found = {};
      entries().forEach(function (entry) {
        if (entry.page === page) return;
        var beat = parseInt(store.getItem(aliveKey + entry.page), 10);
        if (beat && now - beat < GONE_AFTER_MS) return;
        var change = parse(store.getItem(entry.key));
        store.removeItem(entry.key);
        if (!change) return;
        var best = found[entry.position];
        if (!best || (change.at || 0) > (best.at || 0)) found[entry.position] = change;
      });
      Object.keys(found).forEach(function (position) {
        if (!read(position)) write(position, found[position]);
      });
      store.keys().forEach(function (key) {  // what gone pages left of their heartbeats
        if (key.indexOf(aliveKey) !== 0 || key === aliveKey + page) return;
        var beat = parseInt(store.getItem(key), 10);
        if (!beat || now - beat >= GONE_AFTER_MS) store.removeItem(key);
      });
    }

    window.addEventListener("pagehide", asleep);  // gone at once: its changes are free
    window.addEventListener("pageshow", function (event) {
      if (event.persisted && positions().length) alive();
    });

    function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

    function pending() { return sending !== null || positions().length > 0; }

    function settle() {
      var done = waiters;
      waiters = [];
      done.forEach(function (resolve) { resolve(); });
    }

    function retryLater() {
      report.state("retrying");
      clearTimeout(retryTimer);
      retryTimer = setTimeout(function () { retryTimer = null; pump(); }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    }

    function next() {
      var all = positions();
      if (first !== null && all.indexOf(first) !== -1) return first;
      return all.length ? all[0] : null;
    }

    function pump() {
      if (sending !== null || retryTimer !== null) return;
      var position = next();
      if (position === null) { settle(); return; }
      var entry = read(position);
      if (!entry) { remove(position); pump(); return; }
      sending = position;
      report.state("saving");
      fetch(options.url, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": options.csrf()},
        body: JSON.stringify({position: position, base: entry.base, answer: entry.answer,
                              time_spent_ms: entry.spent || 0})
      }).then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (data) {
          sending = null;
          reply(position, entry, res, data);
        });
      }, function () {
        sending = null;
        retryLater();  // no connection: the entry stays until the server has it
      });
    }

    function reply(position, sent, res, data) {
      if (res.ok && data.ok && data.accepted) {
        retryDelay = 1000;
        revisions[position] = data.seq;
        var now = read(position);
        if (now && same(now.answer, sent.answer)) remove(position);
        else if (now) write(position, Object.assign(now, {base: data.seq}));  // changed since
        report.saved(position, data);
      } else if (res.ok && data.ok) {
        retryDelay = 1000;
        if (typeof data.seq === "number") revisions[position] = data.seq;
        remove(position);  // refused: what is stored stands, and is shown
        report.conflict(position, data.answer || null);
      } else if (data.closed) {
        entries().forEach(function (entry) { store.removeItem(entry.key); });  // too late
        asleep();
        settle();
        report.closed(data.done);
        return;
      } else if (data.csrf) {
        options.renewCsrf().then(retryLater, retryLater);  // then the same save again
        return;
      } else if (res.status >= 400 && res.status < 500 && res.status !== 429) {
        remove(position);  // this answer can never be stored as it is
        report.rejected(position, data.error || null);
      } else {
        retryLater();
        return;
      }
      if (next() === null) report.state("saved");
      pump();
    }

    // The page's question: its answer's revision, and it goes first.
    this.track = function (position, revision) {
      first = position;
      revisions[position] = revision;
    };
    // The change still waiting for the server on a question (this page's, or taken over
    // from a page that is gone), if any.
    this.waiting = function (position) {
      adopt();
      var entry = read(position);
      return entry ? entry.answer : undefined;
    };
    // Keep a change, based on the revision the page knows (or the one the pending change
    // of this question started from); send it at once unless told to wait.
    this.keep = function (position, answer, spent, later) {
      var entry = read(position);
      write(position, {answer: answer, spent: spent, at: Date.now(),
                       base: entry ? entry.base : (revisions[position] || 0)});
      if (later) return;
      // A change is a good moment to try again, whatever step the back-off is at.
      if (retryTimer !== null) { clearTimeout(retryTimer); retryTimer = null; }
      pump();
    };
    this.send = function () { adopt(); pump(); };
    // A page that went without a word (a crash) leaves changes behind: look again now and then.
    setInterval(function () {
      if (entries().some(function (entry) { return entry.page !== page; })) {
        adopt();
        pump();
      }
    }, GONE_AFTER_MS);
    this.pending = pending;
    // A promise of the moment nothing is waiting any more (acknowledged, refused or closed).
    this.drained = function () {
      if (!pending()) return Promise.resolve();
      return new Promise(function (resolve) { waiters.push(resolve); });
    };
    // The connection is back: send now rather than at the next step of the back-off.
    this.retryNow = function () {
      retryDelay = 1000;
      if (retryTimer !== null) { clearTimeout(retryTimer); retryTimer = null; }
      pump();
    };
  }

  window.HiringSaveQueue = SaveQueue;
})();
