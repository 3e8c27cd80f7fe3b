// voice-app: answers a child gave on this tablet that were still waiting when the IRO took it back
// (loaded after idb-keyval.umd.js on staff pages, for IROs only). They are sent, oldest first, to the
// staff endpoint that judges them as child mode would, and each is deleted once the server has judged
// it; when none of a hand-over's are left, its key and anything else it kept go too.
(function () {
  "use strict";

  var banner = document.querySelector("[data-waiting-answers]");
  var kv = window.idbKeyval;
  if (!banner || !kv || !window.indexedDB || !window.crypto || !window.crypto.subtle) return;

  var text = banner.querySelector("[data-waiting-text]");
  var decoder = new TextDecoder();

  // Never create the tablet's stores on a computer that has never been in child mode.
  function exists(name) {
    if (!window.indexedDB.databases) return Promise.resolve(true);
    return window.indexedDB.databases().then(function (all) {
      return all.some(function (db) { return db.name === name; });
    }, function () { return true; });
  }

  function say(key, left, stale) {
    var words = banner.getAttribute(key).replace("%n", String(left));
    if (stale) words += " " + banner.getAttribute("data-stale").replace("%n", String(stale));
    text.textContent = words;
    banner.hidden = false;
  }

  function token() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function send(answer) {
    var path = new URL(answer.url, window.location.href).pathname;
    var statement = /^\/child\/statements\/(\d+)\//.exec(path);
    if (!statement) return Promise.resolve({ status: 400 });
    var form = new URLSearchParams();
    answer.fields.forEach(function (pair) { form.append(pair[0], pair[1]); });
    form.set("path", path);
    var url = banner.getAttribute("data-url").replace("/0/", "/" + statement[1] + "/");
    return window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token() },
      body: form,
    });
  }

  function run() {
    var answers = kv.createStore("voice-child-queue", "answers");
    var keys = kv.createStore("voice-child-keys", "keys");
    var kept = kv.createStore("voice-child-offline", "kept");
    return kv.keys(answers).then(function (places) {
      places = places.filter(Array.isArray).sort(function (a, b) { return a[1] - b[1] || a[2] - b[2]; });
      if (!places.length) return;
      var left = places.length;
      var stale = 0;
      var stuck = {};  // hand-overs whose answers cannot go now: the rest of them wait, in order
      say("data-sending", left, 0);
      return places.reduce(function (chain, place) {
        return chain.then(function () {
          var handover = place[0];
          if (stuck[handover]) return null;
          return Promise.all([kv.get(handover, keys), kv.get(place, answers)]).then(function (found) {
            var key = found[0], sealed = found[1];
            if (!key || !sealed) { stuck[handover] = true; return null; }
            return window.crypto.subtle.decrypt({ name: "AES-GCM", iv: sealed.iv }, key, sealed.data).then(function (plain) {
              return send(JSON.parse(decoder.decode(plain)));
            }).then(function (response) {
              // Judged by the server (saved, had it, refused as late or not an answer): not kept here any more.
              if (response.ok || response.status === 409 || response.status === 422 || response.status === 400) {
                if (response.status === 409) stale++;
                left--;
                say(left ? "data-sending" : "data-sent", left, stale);
                return kv.del(place, answers);
              }
              stuck[handover] = true;  // not this IRO's child, signed out, or the server is struggling
              return null;
            });
          }).catch(function () { stuck[handover] = true; });
        });
      }, Promise.resolve()).then(function () {
        say(left ? "data-stuck" : "data-sent", left, stale);
        return kv.keys(answers);
      }).then(function (still) {
        // A hand-over with nothing waiting any more: its key and what it kept go from the tablet.
        var waiting = {};
        still.forEach(function (place) { if (Array.isArray(place)) waiting[place[0]] = true; });
        var done = places.map(function (place) { return place[0]; }).filter(function (h, i, all) {
          return all.indexOf(h) === i && !waiting[h];
        });
        return Promise.all(done.map(function (handover) {
          return kv.del(handover, keys).then(function () { return kv.keys(kept); }).then(function (all) {
            return Promise.all(all.filter(function (k) { return Array.isArray(k) && k[0] === handover; }).map(function (k) {
              return kv.del(k, kept);
            }));
          });
        }));
      }).then(function () {
        banner.setAttribute("data-done", "true");  // what a test waits for
      });
    });
  }

  exists("voice-child-queue").then(function (yes) { return yes ? run() : null; }).catch(function () {});
})();
