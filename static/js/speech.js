// voice-app: reading aloud, the same for a child (child.js) and a parent (read-aloud.js).
// Loaded with `defer` before either; exposes window.voiceSpeech.
(function () {
  "use strict";

  // Sentence ends in every shipped script: Latin and Cyrillic . ! ? …, Arabic script ؟ ۔, Ethiopic ። ፧ ፨;
  // then pauses inside a sentence: commas, semicolons, colons of the same scripts.
  var END = ".!?…؟۔።፧፨";
  var PAUSE = ",;:،؛፣፤፥፦";
  var MAX = 160; // some engines stop after about 200 characters
  var PIECE = new RegExp("[^" + END + PAUSE + "]+[" + END + PAUSE + "]*\\s*", "g");

  function norm(lang) {
    return String(lang || "").toLowerCase().replace(/_/g, "-");
  }

  // The exact language first, then the same language; a voice on the device before a network one
  // (those fail offline), but a network one rather than none. Never another language's voice.
  function pickVoice(voices, lang) {
    var wanted = norm(lang), primary = wanted.split("-")[0], exact = [], same = [];
    (voices || []).forEach(function (voice) {
      var code = norm(voice.lang);
      if (code === wanted) exact.push(voice);
      else if (code.split("-")[0] === primary) same.push(voice);
    });
    var pool = exact.length ? exact : same;
    return pool.filter(function (voice) { return voice.localService; })[0] || pool[0] || null;
  }

  // A phrase said as a sentence, so the voice pauses before the next (four answers are not one phrase).
  function sentence(words) {
    var text = String(words || "").replace(/\s+/g, " ").trim();
    return !text || (END + PAUSE).indexOf(text.charAt(text.length - 1)) >= 0 ? text : text + ".";
  }

  // Each phrase in pieces short enough for every engine, cut where a sentence or a pause ends.
  function pieces(phrases) {
    var out = [];
    phrases.forEach(function (phrase) {
      var current = "";
      (phrase.match(PIECE) || [phrase]).forEach(function (part) {
        while (part.length > MAX) { // one very long sentence: cut at a space
          var cut = part.lastIndexOf(" ", MAX);
          if (cut < 1) cut = MAX;
          if (current.trim()) out.push(current.trim());
          current = "";
          out.push(part.slice(0, cut).trim());
          part = part.slice(cut);
        }
        if ((current + part).length > MAX && current) { out.push(current.trim()); current = ""; }
        current += part;
      });
      if (current.trim()) out.push(current.trim());
    });
    return out;
  }

  window.voiceSpeech = { pickVoice: pickVoice, sentence: sentence, pieces: pieces };
})();
