// voice-app: show the "Hear who I am" button on the child's meeting with their IRO when this device can
// speak (child.js shows the current question's button; reading aloud itself is child.js's click handler).
(function () {
  "use strict";

  function show() {
    if (!window.speechSynthesis || typeof window.SpeechSynthesisUtterance !== "function") return;
    var buttons = document.querySelectorAll("#my-iro [data-speak]");
    for (var i = 0; i < buttons.length; i++) buttons[i].hidden = false;
  }

  show();
  document.addEventListener("htmx:after:swap", show);
})();
