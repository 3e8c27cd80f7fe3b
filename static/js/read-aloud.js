// Read-aloud for any page (parents' questionnaire now, the child's conversation later).
// Markup: <div data-read-aloud="id1 id2" data-no-voice="..." data-stop-label="..." hidden> holding a
// .va-read-aloud__button, a .va-read-aloud__label and a .va-read-aloud__message (role=status).
// Rules: speak() runs synchronously inside the tap handler (iOS only speaks from a user gesture);
// only local voices whose language matches the page's are used (network voices fail offline, and
// another language's voice mangles the words); when there is none, a kind message says so.
(function () {
  "use strict";

  var synth = window.speechSynthesis;
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function") return; // blocks stay hidden
  var voices = [];
  var MAX_CHUNK = 180; // long utterances stop half-way on some engines

  function loadVoices() {
    var found = synth.getVoices() || [];
    if (found.length) voices = found; // some engines answer [] until voiceschanged: keep what we had
  }
  loadVoices();
  if (typeof synth.addEventListener === "function") synth.addEventListener("voiceschanged", loadVoices);

  function norm(lang) {
    return String(lang || "").toLowerCase().replace(/_/g, "-");
  }

  function voiceFor(lang) {
    loadVoices(); // asked again at each tap: voices can arrive or change after the page loads
    var wanted = norm(lang);
    var primary = wanted.split("-")[0];
    var local = voices.filter(function (v) { return v.localService && v.lang; });
    var exact = local.filter(function (v) { return norm(v.lang) === wanted; });
    if (exact.length) return exact[0];
    var same = local.filter(function (v) { return norm(v.lang).split("-")[0] === primary; });
    return same.length ? same[0] : null;
  }

  function textOf(ids) {
    return ids.split(/\s+/).map(function (id) {
      var el = document.getElementById(id);
      return el ? el.textContent.replace(/\s+/g, " ").trim() : "";
    }).filter(Boolean).join(". ");
  }

  function chunks(text) {
    var sentences = text.match(/[^.!?。؟]+[.!?。؟]*/g) || [text];
    var out = [];
    sentences.forEach(function (sentence) {
      var rest = sentence.trim();
      while (rest.length > MAX_CHUNK) {
        var cut = rest.lastIndexOf(" ", MAX_CHUNK);
        if (cut < 1) cut = MAX_CHUNK;
        out.push(rest.slice(0, cut));
        rest = rest.slice(cut).trim();
      }
      if (rest) out.push(rest);
    });
    return out;
  }

  function setSpeaking(box, speaking) {
    var label = box.querySelector(".va-read-aloud__label");
    var button = box.querySelector(".va-read-aloud__button");
    if (!box.hasAttribute("data-start-label")) box.setAttribute("data-start-label", label.textContent);
    label.textContent = speaking ? box.getAttribute("data-stop-label") : box.getAttribute("data-start-label");
    // The words change ("Stop reading"), so no aria-pressed as well: one signal, not two.
    button.setAttribute("data-speaking", speaking ? "true" : "false");
  }

  document.addEventListener("click", function (evt) {
    var button = evt.target instanceof Element ? evt.target.closest(".va-read-aloud__button") : null;
    if (!button) return;
    var box = button.closest("[data-read-aloud]");
    var message = box.querySelector(".va-read-aloud__message");
    if (button.getAttribute("data-speaking") === "true") {
      synth.cancel();
      setSpeaking(box, false);
      return;
    }
    var voice = voiceFor(document.documentElement.lang || "en");
    if (!voice) {
      message.textContent = box.getAttribute("data-no-voice");
      return;
    }
    message.textContent = "";
    synth.cancel();
    var parts = chunks(textOf(box.getAttribute("data-read-aloud")));
    parts.forEach(function (part, index) {
      var utterance = new SpeechSynthesisUtterance(part);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.rate = 0.9;
      if (index === parts.length - 1) {
        utterance.onend = function () { setSpeaking(box, false); };
        utterance.onerror = function () { setSpeaking(box, false); };
      }
      synth.speak(utterance);
    });
    setSpeaking(box, true);
  });

  function reveal(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("[data-read-aloud][hidden]"), function (box) {
      box.hidden = false;
    });
  }
  reveal(document);
  document.addEventListener("htmx:after:swap", function (evt) { reveal(evt.target instanceof Element ? evt.target : document); });
  window.addEventListener("pagehide", function () { synth.cancel(); });
})();
