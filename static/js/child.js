// voice-app: the child's conversation, loaded with `defer` after htmx.min.js and app.js.
// Read-aloud, focus on each new question, a guard against double taps, and answers kept in this
// page's memory (never in storage: the tablet is shared) until the server has them.
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

  // ---- Nothing lost: a request that cannot reach the server waits here and is sent again.
  var waiting = 0;

  function showNote(key) {
    if (!note) return;
    note.textContent = note.getAttribute(key) || "";
    note.hidden = false;
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

  function keepTrying(url, init) {
    var options = {};
    for (var key in init) if (key !== "signal") options[key] = init[key];  // htmx's timeout must not drop an answer
    waiting++;
    return new Promise(function (resolve) {
      function attempt() {
        window.fetch(url, options).then(function (response) {
          if (response.status >= 500) {
            showNote("data-retrying");
            whenOnlineOrSoon(attempt);
            return;
          }
          waiting--;
          if (!waiting && note) note.hidden = true;
          resolve(response);
        }, function () {
          showNote("data-waiting");
          whenOnlineOrSoon(attempt);
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

  window.addEventListener("beforeunload", function (evt) {
    if (!waiting) return;
    evt.preventDefault();
    evt.returnValue = note ? note.getAttribute("data-leaving") : "";
  });
})();
