// voice-app: small site script, loaded with `defer` after htmx.min.js.
// No inline script anywhere, so the page can run under `script-src 'self'`.
(function () {
  "use strict";

  // Read at request time, not load time, so a freshly rendered page's token is used.
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : null;
  }

  function isSameOrigin(action) {
    try {
      return new URL(action, document.baseURI).origin === window.location.origin;
    } catch (e) {
      return false;
    }
  }

  // htmx 4 fires htmx:config:request (bubbling) for every request it makes, including
  // boosted links/forms and history restores; headers are a plain object on ctx.request.
  // Flask-WTF's CSRFProtect reads the X-CSRFToken header by default.
  document.addEventListener("htmx:config:request", function (evt) {
    var request = evt.detail && evt.detail.ctx && evt.detail.ctx.request;
    var token = csrfToken();
    if (!request || !token || !isSameOrigin(request.action)) return;
    request.headers["X-CSRFToken"] = token;
  });
})();
