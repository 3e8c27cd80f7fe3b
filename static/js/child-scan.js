// voice-app: switches and dwell for the child's conversation (voice_app/child/access.py). Loaded only when
// the hand-over says the child answers this way; the settings come from <body data-access=...>.
// A highlight goes over everything the child can do, always in the same order: the step's answers (cards, numbers,
// "That's all", extra cards) in the page's order, then the speaker, skip, the end links, and the other languages.
// One switch: it moves by itself and a press chooses. Two switches: one moves, the
// other chooses. Dwell: resting the pointer on a card chooses it, with a ring filling meanwhile.
// A press counts only when held for the acceptance time; a long press goes back one; presses just after a
// choice are ignored. Choosing is a plain click, so htmx, child.js's one-answer-at-a-time and the offline
// queue treat it exactly as a tap.
(function () {
  "use strict";

  var body = document.body;
  var mode = body.getAttribute("data-access");
  if (!mode || mode === "touch") return;

  function setting(name, fallback) {
    var value = parseInt(body.getAttribute(name), 10);
    return isNaN(value) ? fallback : value;
  }
  var scanMs = setting("data-scan-ms", 1500);
  var dwellMs = setting("data-dwell-ms", 1500);
  var acceptMs = setting("data-accept-ms", 0);
  var ignoreMs = setting("data-ignore-ms", 500);
  var loops = setting("data-loops", 3);
  var speakItems = body.getAttribute("data-scan-speak") === "true";
  var moveKey = body.getAttribute("data-move-key") || " ";
  var chooseKey = body.getAttribute("data-choose-key") || "Enter";
  var LONG_MS = Math.max(2000, acceptMs + 1000);  // a press held this long goes back one
  var TARGETS = "button, a[href], label.card, label.scale__n";
  var note = document.querySelector("[data-scan-note]");

  var items = [];
  var index = -1;
  var rounds = 0;
  var paused = false;
  var timer = null;
  var downKey = null;
  var downAt = 0;
  var lastChoice = -Infinity;

  function now() { return Date.now(); }

  function announce(key) {
    if (note) note.textContent = note.getAttribute(key) || "";
  }

  function step() { return document.getElementById("step"); }

  function busy() {
    var current = step();
    return !current || current.inert || current.getAttribute("aria-busy") === "true";
  }

  function visible(el) {
    return !el.closest("[hidden]") && el.getClientRects().length > 0;
  }

  function usable(el) {
    // A label's own input is chosen through the label; a words box is never scanned.
    return visible(el) && !(el.matches("button") && el.disabled);
  }

  // Where a control comes in the scanning order: the answers first, then the tools every step has.
  function rank(el) {
    if (el.matches("[data-speak]")) return 1;
    if (el.closest(".step__tools")) return 2;
    if (el.closest(".step__end, .step__back")) return 3;
    return 0;
  }

  function collect() {
    var current = step();
    if (!current) return [];
    var groups = [[], [], [], []];
    Array.prototype.forEach.call(current.querySelectorAll(TARGETS), function (el) {
      if (usable(el)) groups[rank(el)].push(el);
    });
    // Last, the languages the child may change to (not the one they are in: choosing it would change nothing).
    var languages = Array.prototype.filter.call(document.querySelectorAll(".languages button:not([aria-current])"), usable);
    return groups[0].concat(groups[1], groups[2], groups[3], languages);
  }

  // ---- Reading each item aloud as it is highlighted (auditory scanning), in the page's language only.
  function speak(text) {
    var synth = window.speechSynthesis;
    if (!speakItems || !synth || !window.voiceSpeech || typeof window.SpeechSynthesisUtterance !== "function") return;
    var voice = window.voiceSpeech.pickVoice(synth.getVoices() || [], (document.documentElement.lang || "en").toLowerCase());
    if (!voice) return;
    synth.cancel();
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.voice = voice;
    utterance.lang = voice.lang;
    synth.speak(utterance);
  }

  function clearHighlight() {
    var old = document.querySelectorAll(".is-scanned");
    for (var i = 0; i < old.length; i++) old[i].classList.remove("is-scanned");
  }

  function focusable(el) {
    if (el.matches("label")) return document.getElementById(el.htmlFor) || el;
    return el;
  }

  function highlight(at) {
    clearHighlight();
    if (!items.length) { index = -1; return; }
    index = (at + items.length) % items.length;
    var el = items[index];
    el.classList.add("is-scanned");
    focusable(el).focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest" });
    speak(el.textContent.replace(/\s+/g, " ").trim());
  }

  // ---- One switch: the highlight moves by itself, and pauses after some rounds without a press.
  function schedule() {
    window.clearTimeout(timer);
    if (mode !== "auto" || paused || downKey) return;
    timer = window.setTimeout(tick, scanMs);
  }

  function tick() {
    if (busy()) { schedule(); return; }
    if (index === items.length - 1) {
      rounds++;
      if (rounds >= loops) { pause(); return; }
    }
    highlight(index + 1);
    schedule();
  }

  function pause() {
    paused = true;
    clearHighlight();
    index = -1;
    announce("data-paused");
  }

  // A new step (or the page): scanning starts again from its first item.
  function start() {
    window.clearTimeout(timer);
    items = collect();
    rounds = 0;
    paused = false;
    if (mode === "dwell" || !items.length) { index = -1; return; }
    highlight(0);
    schedule();
  }

  function choose(el) {
    if (!el || busy() || !el.isConnected) return;
    lastChoice = now();
    el.click();
    if (el.isConnected && !busy()) {
      // A card ticked in a list of several: the step stays, and so does the highlight.
      items = collect();
      index = items.indexOf(el);
    }
  }

  function press(key) {
    if (busy()) return;
    if (mode === "auto") {
      if (paused || index < 0) { start(); announce("data-started"); return; }
      rounds = 0;
      choose(items[index]);
    } else if (key === moveKey) {
      highlight(index + 1);
    } else if (index < 0) {
      highlight(0);
    } else {
      choose(items[index]);
    }
    schedule();
  }

  function back() {
    if (busy() || !items.length) return;
    paused = false;
    rounds = 0;
    highlight(index < 0 ? items.length - 1 : index - 1);
    schedule();
  }

  function editable(target) {
    return target && target.matches && target.matches("textarea, select, input:not([type=radio]):not([type=checkbox])");
  }

  function isSwitch(key) {
    return mode !== "dwell" && (key === moveKey || key === chooseKey);
  }

  // Capture phase, before htmx or the browser's own activation: the switch's keys belong to the scanner.
  document.addEventListener("keydown", function (evt) {
    if (!isSwitch(evt.key) || editable(evt.target) || !step()) return;
    evt.preventDefault();
    evt.stopImmediatePropagation();
    if (evt.repeat || downKey) return;
    downKey = evt.key;
    downAt = now();
    window.clearTimeout(timer);  // the highlight waits while the switch is held
  }, true);

  document.addEventListener("keyup", function (evt) {
    if (!isSwitch(evt.key) || editable(evt.target) || !step()) return;
    evt.preventDefault();
    evt.stopImmediatePropagation();
    if (evt.key !== downKey) return;
    var held = now() - downAt;
    var pressedAt = downAt;
    downKey = null;
    if (pressedAt - lastChoice < ignoreMs || held < acceptMs) { schedule(); return; }
    if (held >= LONG_MS) back();
    else press(evt.key);
  }, true);

  // ---- Dwell: the pointer resting on a card for the dwell time chooses it, a ring filling meanwhile.
  // After a choice the pointer must move before anything else is chosen (a new step may appear under it).
  var dwellOn = null;
  var dwellTimer = null;
  var restFrom = null;

  function stopDwell() {
    window.clearTimeout(dwellTimer);
    if (dwellOn) dwellOn.classList.remove("is-dwelling");
    dwellOn = null;
  }

  function onPointer(evt) {
    if (restFrom && Math.abs(evt.clientX - restFrom.x) + Math.abs(evt.clientY - restFrom.y) < 24) return;
    restFrom = null;
    var current = step();
    var target = evt.target.closest ? evt.target.closest(TARGETS) : null;
    if (target && (!current || items.indexOf(target) < 0)) target = null;
    if (target === dwellOn) return;
    stopDwell();
    if (!target || busy()) return;
    dwellOn = target;
    target.style.setProperty("--dwell-ms", dwellMs + "ms");
    target.classList.add("is-dwelling");
    dwellTimer = window.setTimeout(function () {
      stopDwell();
      restFrom = { x: evt.clientX, y: evt.clientY };
      choose(target);
    }, dwellMs);
  }

  if (mode === "dwell") {
    document.addEventListener("pointermove", onPointer);
    document.addEventListener("pointerleave", stopDwell);
  }

  body.classList.add("is-scanning", "is-scanning--" + mode);
  document.addEventListener("htmx:after:swap", function () { stopDwell(); start(); });
  document.addEventListener("voice:offline:shown", function () { stopDwell(); start(); });
  start();
  announce("data-started");
  // A page opened at its question (#question-title, as after the hand-over) has the browser focus that heading once
  // the page has loaded, after the highlight took the focus: give it back to the highlight.
  window.addEventListener("load", function () {
    if (index >= 0 && items[index] && items[index].isConnected) focusable(items[index]).focus({ preventScroll: true });
  });
})();
