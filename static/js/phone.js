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
})();
