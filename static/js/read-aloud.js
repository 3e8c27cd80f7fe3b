// Read-aloud for any page (parents' questionnaire now, the child's conversation later).
// Markup: <div data-read-aloud="id1 id2" data-no-voice="..." data-stop-label="..." hidden> holding a
// .va-read-aloud__button, a .va-read-aloud__label and a .va-read-aloud__message (role=status).
// Rules: speak() runs synchronously inside the tap handler (iOS only speaks from a user gesture);
// the voice and the phrases follow the child's rules (speech.js, loaded first): only a voice for the
// page's language, one on the device before a network one; when there is none, a kind message says so.
(function () {
  "use strict";

  var synth = window.speechSynthesis;
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function" || !window.voiceSpeech) return; // blocks stay hidden
  var voices = [];

  function loadVoices() {
    var found = synth.getVoices() || [];
    if (found.length) voices = found; // some engines answer [] until voiceschanged: keep what we had
  }
  loadVoices();
  if (typeof synth.addEventListener === "function") synth.addEventListener("voiceschanged", loadVoices);

  // The voice rules and the cutting into phrases are the child's too (speech.js).
  var rules = window.voiceSpeech;

  function voiceFor(lang) {
    loadVoices(); // asked again at each tap: voices can arrive or change after the page loads
    return rules.pickVoice(voices, lang);
  }

  // Each listed element is read as its own phrase; one that marks parts of itself with data-say (the
  // answers of a question) has each part read as a phrase, so four answers are not one run-on sentence.
  function phrasesOf(ids) {
    var phrases = [];
    ids.split(/\s+/).forEach(function (id) {
      var el = document.getElementById(id);
      if (!el) return;
      var parts = el.querySelectorAll("[data-say]");
      (parts.length ? Array.prototype.slice.call(parts) : [el]).forEach(function (part) {
        var words = rules.sentence(part.textContent);
        if (words) phrases.push(words);
      });
    });
    return phrases;
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
    var parts = rules.pieces(phrasesOf(box.getAttribute("data-read-aloud")));
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
