// voice-app: the service worker of child mode. Served from /child/sw.js, so it controls child pages
// only: staff pages are never in its scope. It keeps only what a child page listed for it (scripts,
// styles, symbols, and a kind offline page with no names in it); it never stores a page or an answer.
"use strict";

var CACHE = "voice-child-v1";
var OFFLINE_PAGE = new URL("offline", self.registration.scope).href;
var STATIC = new URL(self.location.href).searchParams.get("static") || "/static/";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function fromCache(request) {
  return caches.open(CACHE).then(function (cache) { return cache.match(request, { ignoreVary: true }); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;  // answers always go to the network; the page queues them
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // A page is always fetched fresh; without a network, the kind page in the child's language.
    event.respondWith(fetch(request).catch(function () {
      return fromCache(OFFLINE_PAGE).then(function (page) { return page || Response.error(); });
    }));
    return;
  }
  // Only files (scripts, styles, symbols) come from what is kept; anything else asked of a child page
  // (a fresh token, the offline page being replaced) always goes to the server.
  if (url.pathname.indexOf(STATIC) !== 0) return;
  event.respondWith(fromCache(request).then(function (kept) {
    if (!kept) return fetch(request);
    // Kept files answer at once and are refreshed behind, so a new release reaches the next page.
    event.waitUntil(fetch(request).then(function (fresh) {
      if (fresh.ok) return caches.open(CACHE).then(function (cache) { return cache.put(request, fresh); });
    }).catch(function () {}));
    return kept;
  }));
});
