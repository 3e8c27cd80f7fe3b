// voice-app: the child's conversation, loaded with `defer` after htmx.min.js and app.js.
// Read-aloud, focus on each new question, one answer in flight at a time (the tapped card pressed at
// once, "Saving…", never "saved" before the server says so), and answers kept in this page's memory
// until the server has them.
(function () {
  "use strict";

  var main = document.querySelector(".child-main");
  if (!main) return;
  var note = document.querySelector("[data-net-note]");

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  // ---- A new step: focus its question (screen readers read it), and ignore taps for a moment.
  function settle(focus) {
    var step = document.getElementById("step");
    if (!step) return;
    step.classList.add("is-arriving");
    window.setTimeout(function () { step.classList.remove("is-arriving"); }, 450);
    showSpeakers(step);
    if (!focus) return;
    var title = step.querySelector("#question-title");
    if (title) title.focus({ preventScroll: true });
    step.scrollIntoView({ block: "start", behavior: reducedMotion() ? "auto" : "smooth" });
  }

  document.addEventListener("htmx:after:swap", function () { settle(true); });
  document.addEventListener("voice:offline:shown", function () { settle(true); });

  // ---- Read aloud with the browser's own voices, only in the page's language.
  var synth = window.speechSynthesis || null;
  var voices = [];
  var voicesLoaded = false;

  function loadVoices() {
    try { voices = synth.getVoices() || []; } catch (e) { voices = []; }
    if (voices.length) voicesLoaded = true;
  }

  if (synth) {
    loadVoices();
    var onVoices = function () { loadVoices(); voicesLoaded = true; };
    if (synth.addEventListener) synth.addEventListener("voiceschanged", onVoices);
    else synth.onvoiceschanged = onVoices;
  }

  function showSpeakers(root) {
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function" || !window.voiceSpeech) return;
    var buttons = root.querySelectorAll("[data-speak]");
    for (var i = 0; i < buttons.length; i++) buttons[i].hidden = false;
  }

  function pageLanguage() {
    return (document.documentElement.getAttribute("lang") || "en").toLowerCase();
  }

  // The voice and phrase rules are shared with the parents' read-aloud (speech.js, loaded first).
  function pickVoice() {
    return window.voiceSpeech.pickVoice(voices, pageLanguage());
  }

  function textOf(step) {
    var parts = [];
    var nodes = step.querySelectorAll("[data-say]");
    for (var i = 0; i < nodes.length; i++) {
      var words = window.voiceSpeech.sentence(nodes[i].textContent);
      if (words) parts.push(words);
    }
    return parts;
  }

  function chunks(parts) {
    return window.voiceSpeech.pieces(parts);
  }

  function speakNote(step, key) {
    var target = step.querySelector("[data-speak-note]");
    if (target) target.textContent = key ? target.getAttribute(key) || "" : "";
  }

  function speak(button) {
    var step = button.closest("[data-step]") || main;
    if (!synth) return;
    if (synth.speaking) {
      synth.cancel();
      button.setAttribute("aria-pressed", "false");
      return;
    }
    if (!voicesLoaded) loadVoices();
    var voice = pickVoice();
    if (!voice) {
      if (!voicesLoaded) {
        // Voices arrive a moment after the page on some browsers: wait once, briefly.
        var waited = false;
        var retry = function () {
          if (waited) return;
          waited = true;
          loadVoices();
          voicesLoaded = true;
          if (pickVoice()) speak(button);
          else speakNote(step, "data-no-voice");
        };
        if (synth.addEventListener) synth.addEventListener("voiceschanged", retry);
        window.setTimeout(retry, 1500);
        return;
      }
      speakNote(step, "data-no-voice");
      return;
    }
    speakNote(step, null);
    var pieces = chunks(textOf(step));
    synth.cancel();
    button.setAttribute("aria-pressed", "true");
    pieces.forEach(function (text, index) {
      var utterance = new window.SpeechSynthesisUtterance(text);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.rate = 0.9;
      if (index === pieces.length - 1) {
        utterance.onend = function () { button.setAttribute("aria-pressed", "false"); };
      }
      synth.speak(utterance);  // called inside the tap handler, as iPad Safari requires
    });
  }

  document.addEventListener("click", function (evt) {
    var button = evt.target.closest && evt.target.closest("[data-speak]");
    if (button) speak(button);
  });

  // ---- One answer at a time. The tapped card shows as chosen in the same frame, the step is inert
  // (further taps do nothing) and says it is saving until the server answers; a second tap can never
  // queue a stale answer. Each submit gets a fresh id, so a resend is recognised by the server.
  var saveNote = document.querySelector("[data-save-note]");
  var SLOW_AFTER_MS = 3000;
  var slowTimer = null;
  var busyForm = null;

  function sayNote(key) {
    if (!saveNote) return;
    // While the network note speaks (no internet), it says what is happening: one voice at a time.
    var text = key && (!note || note.hidden) ? saveNote.getAttribute(key) || "" : "";
    if (saveNote.textContent !== text) saveNote.textContent = text;
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function pressedControl(form, submitter) {
    if (submitter && submitter !== form) return submitter;
    return form.querySelector("button[type=submit]:not([name])") || null;
  }

  function startSaving(form, submitter) {
    busyForm = form;
    var id = form.querySelector("[data-client-id]");
    if (id) id.value = newId();
    var given = form.querySelector("[data-given-at]");
    if (given) given.value = String(Date.now());
    var control = pressedControl(form, submitter);
    if (control) control.classList.add("is-pressed");
    var step = form.closest("[data-step]");
    if (step) {
      step.setAttribute("aria-busy", "true");
      step.classList.add("is-saving");
      step.inert = true;
    }
    sayNote("data-saving");
    window.clearTimeout(slowTimer);
    slowTimer = window.setTimeout(function () { if (busyForm === form) sayNote("data-slow"); }, SLOW_AFTER_MS);
  }

  function doneSaving() {
    window.clearTimeout(slowTimer);
    var form = busyForm;
    busyForm = null;
    sayNote(null);
    if (!form || !form.isConnected) return;  // the usual case: the step was replaced by the next one
    var step = form.closest("[data-step]");
    if (step) {
      step.removeAttribute("aria-busy");
      step.classList.remove("is-saving");
      step.inert = false;
    }
    var pressed = form.querySelectorAll(".is-pressed");
    for (var i = 0; i < pressed.length; i++) pressed[i].classList.remove("is-pressed");
  }

  // Capture phase: runs before htmx's own listener, so a tap while busy never reaches htmx.
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form.matches || !form.matches("[data-answer-form]")) return;
    if (busyForm && busyForm.isConnected) {
      evt.preventDefault();
      evt.stopImmediatePropagation();
      return;
    }
    startSaving(form, evt.submitter);
  }, true);

  document.addEventListener("htmx:finally:request", function (evt) {
    var ctx = evt.detail && evt.detail.ctx;
    if (busyForm && ctx && (ctx.sourceElement === busyForm || !busyForm.isConnected)) doneSaving();
  });

  // Back from the browser's cache (bfcache) with a step still marked busy: it is not.
  window.addEventListener("pageshow", function (evt) { if (evt.persisted) doneSaving(); });

  // ---- Nothing lost: a request that cannot reach the server waits here and is sent again.
  var waiting = 0;

  function showNote(key) {
    if (!note) return;
    note.textContent = note.getAttribute(key) || "";
    note.hidden = false;
    sayNote(null);
  }

  function whenOnlineOrSoon(callback) {
    var fired = false;
    var timer;
    function go() {
      if (fired) return;
      fired = true;
      window.clearTimeout(timer);
      window.removeEventListener("online", go);
      callback();
    }
    window.addEventListener("online", go);
    timer = window.setTimeout(go, 3000);
  }

  var queue = window.voiceQueue || null;
  var unkept = 0;  // answers on their way that are in neither the server nor the tablet's queue yet

  // An answer that cannot reach the server is kept in the tablet's queue (encrypted) as well as
  // here, so a reload or a closed page loses nothing; it leaves the queue once the server has it.
  function keepTrying(url, init) {
    var options = {};
    for (var key in init) if (key !== "signal") options[key] = init[key];  // htmx's timeout must not drop an answer
    var posting = String(options.method || "GET").toUpperCase() === "POST";
    var kept = null;
    waiting++;
    if (posting) unkept++;
    return new Promise(function (resolve) {
      function keep() {
        if (kept || !posting || !queue) return;
        kept = queue.put(url, options.body).then(function (place) { unkept--; return place; }, function () { return null; });
      }
      function attempt() {
        window.fetch(url, options).then(function (response) {
          if (response.status >= 500) {
            keep();
            showNote("data-retrying");
            whenOnlineOrSoon(attempt);
            return;
          }
          waiting--;
          if (posting && !kept) unkept--;
          if (kept) kept.then(queue.remove);
          if (!waiting && note) note.hidden = true;
          resolve(response);
        }, function () {
          // No network: what the server would show comes from the offline pack (child-offline.js),
          // and the answer waits in the queue for the server to judge it when the network returns.
          var offline = window.voiceOffline;  // child-offline.js, loaded after the first screen
          var local = offline && offline.respond(url, options);
          showNote("data-waiting");
          if (!local) {
            keep();
            whenOnlineOrSoon(attempt);
            return;
          }
          waiting--;
          if (local.queue) keep();
          else if (posting && !kept) unkept--;
          resolve(local.response);
        });
      }
      attempt();
    });
  }

  document.addEventListener("htmx:config:request", function (evt) {
    var ctx = evt.detail && evt.detail.ctx;
    if (!ctx || !ctx.sourceElement || !main.contains(ctx.sourceElement)) return;
    ctx.fetch = keepTrying;
  });

  settle(window.location.hash === "#step");

  // ---- Without a network. Answers left in the queue by an earlier page are sent first (in order),
  // on every page load and when the network returns; then the page shows what the server has.
  var offlinePage = document.querySelector("[data-offline-page]");
  var waitingLine = document.querySelector("[data-offline-waiting]");

  function showWaiting() {
    if (!queue || !waitingLine) return Promise.resolve(0);
    return queue.count().then(function (n) {
      waitingLine.hidden = !n;
      var count = waitingLine.querySelector("[data-offline-count]");
      if (count) count.textContent = String(n);
      return n;
    });
  }

  function sendWaiting() {
    if (!queue || !navigator.onLine) return showWaiting();
    var step = document.getElementById("step");
    return queue.count().then(function (n) {
      if (!n) return 0;
      // The step waits for them: it must not offer a question they may already have answered.
      if (step && !offlinePage) { step.inert = true; step.setAttribute("aria-busy", "true"); sayNote("data-saving"); }
      return queue.replay();
    }).then(function (sent) {
      if (offlinePage) {
        // The server can be reached and nothing waits: back to the conversation, wherever it is now.
        return showWaiting().then(function (left) {
          if (left || !navigator.onLine) return left;
          return window.fetch(document.body.getAttribute("data-token-url"), { cache: "no-store" }).then(function (response) {
            if (response.ok) window.location.assign(document.body.getAttribute("data-sw-scope"));
            return 0;
          }, function () { return 0; });
        });
      }
      if (sent && step && !waiting) window.location.reload();  // show the conversation as the server has it
      else if (step) { step.inert = false; step.removeAttribute("aria-busy"); sayNote(null); }
      return showWaiting().then(function (left) {
        if (!left && !waiting && note && navigator.onLine) note.hidden = true;
        return left;
      });
    });
  }

  // Taking the tablet back with nothing waiting: nothing of this hand-over stays on the tablet.
  function tidyAtGiveBack(left) {
    if (left || !queue || !document.querySelector("[data-give-back]")) return;
    queue.forgetKeyIfEmpty();
    if (window.caches) window.caches.delete("voice-child-v1");
  }

  window.addEventListener("online", function () { sendWaiting().then(tidyAtGiveBack); });
  sendWaiting().then(tidyAtGiveBack);
  // The `online` event is not always told (a weak signal that comes back quietly): the offline page
  // also tries again every few seconds.
  // A conversation carried on from the offline pack tries as well, once it has said there is no internet.
  window.setInterval(function () {
    if (offlinePage || (note && !note.hidden && !busyForm)) sendWaiting();
  }, 5000);

  // The service worker (child pages only) and the files a conversation needs without a network.
  function prepareOffline() {
    var body = document.body;
    var swUrl = body.getAttribute("data-sw-url");
    if (!swUrl || !navigator.serviceWorker || !window.caches || !navigator.onLine) return;
    navigator.serviceWorker.register(swUrl, { scope: body.getAttribute("data-sw-scope") }).catch(function () {});
    // What to keep is written into the page (offline_routes.offline_files): no request of its own.
    new Promise(function (resolve) { resolve(JSON.parse(body.getAttribute("data-offline-files"))); }).then(function (manifest) {
      return window.caches.open("voice-child-v1").then(function (cache) {
        return cache.keys().then(function (have) {
          var known = {};
          have.forEach(function (request) { known[new URL(request.url).pathname + new URL(request.url).search] = true; });
          var missing = manifest.files.filter(function (file) { return !known[file]; });
          // One file at a time, the offline page (in the child's language, fetched on every page) first:
          // on a slow link the child's answers must not queue behind a hundred symbols.
          // The offline page varies (language, cookie): the old one goes only once the new one is here.
          var offline = window.fetch(manifest.offline_page, { credentials: "same-origin" }).then(function (response) {
            if (!response.ok) throw new Error("no offline page");
            return cache.delete(manifest.offline_page, { ignoreVary: true }).then(function () {
              return cache.put(manifest.offline_page, response);
            });
          });
          return missing.reduce(function (chain, file) {
            return chain.then(function () { return cache.add(file); });
          }, offline);
        });
      });
    }).then(function () {
      document.body.setAttribute("data-offline-ready", "true");  // what a test waits for
    }).catch(function () {});
  }

  // Pictures: once this browser keeps the symbol sprite, each request says so and its step only names its
  // pictures (<use>), carrying no SVG. Until then (a tap on a slow link before it has come), steps draw
  // them inline: a step never depends on a file still on its way.
  var sprite = document.body.getAttribute("data-sprite");
  var spriteKept = false;
  document.addEventListener("htmx:config:request", function (evt) {
    var request = evt.detail && evt.detail.ctx && evt.detail.ctx.request;
    if (request && spriteKept) request.headers["X-Symbol-Sprite"] = sprite;
  });
  function keepSprite() {
    if (!sprite || !window.fetch) return Promise.resolve();
    return window.fetch(sprite, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) return;
      // Read to the end, so it is in the browser's cache (a year, immutable) before a step refers to it.
      return response.arrayBuffer().then(function () {
        spriteKept = true;
        document.body.setAttribute("data-sprite-kept", "true");  // what a test waits for
      });
    }).catch(function () {});
  }

  // The offline pack's script: nothing on the first screen needs it, so it comes after it (same origin: the CSP allows it).
  function loadOfflineScript() {
    var src = document.body.getAttribute("data-offline-script");
    if (!src || window.voiceOffline) return Promise.resolve();
    return new Promise(function (resolve) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = script.onerror = function () { resolve(); };
      document.head.appendChild(script);
    });
  }

  // Once the first screen is whole (load), not competing with it: the sprite first (the next step is lighter
  // with it), then what is kept for time without a network.
  if (!offlinePage) {
    window.addEventListener("load", function () { keepSprite().then(loadOfflineScript).then(prepareOffline); });
  }

  window.addEventListener("beforeunload", function (evt) {
    if (!unkept) return;  // everything on its way is kept in the tablet's queue: nothing to warn about
    evt.preventDefault();
    evt.returnValue = note ? note.getAttribute("data-leaving") : "";
  });
})();
