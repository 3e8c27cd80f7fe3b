// The child's phone: the quick exit leaves at once and replaces this page in the history, so Back does not
// bring it back. Without JavaScript the link still works (the server locks the phone and redirects).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quick-exit]");
    if (!link) return;
    event.preventDefault();
    window.location.replace(link.href);
  });

  // No signal: the message is not sent and nothing is kept on the phone; the words stay in the form
  // (in this page only) until the child taps Send again with the internet back.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-online-only]") || navigator.onLine !== false) return;
    event.preventDefault();
    var note = form.querySelector("[data-offline-note]");
    if (note) note.hidden = false;
  });
  window.addEventListener("online", function () {
    document.querySelectorAll("[data-offline-note]").forEach(function (note) { note.hidden = true; });
  });
})();
