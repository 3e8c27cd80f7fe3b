// voice-app: the child's answers waiting on this tablet for the network (loaded after idb-keyval.umd.js).
// An answer that cannot reach the server is kept in IndexedDB, encrypted with an AES-GCM key made for
// this hand-over only and never extractable, and sent again, in order and with its own id, when the
// network returns (the `online` event) and on every page load: Safari has no Background Sync. Each is
// deleted as soon as the server has confirmed it. Nothing else about the child is kept on the tablet.
(function () {
  "use strict";

  var body = document.body;
  var handover = body && body.getAttribute("data-handover");
  var kv = window.idbKeyval;
  var subtle = window.crypto && window.crypto.subtle;
  if (!handover || !kv || !subtle || !window.indexedDB) return;

  var answers = kv.createStore("voice-child-queue", "answers");
  var keys = kv.createStore("voice-child-keys", "keys");
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();
  var counter = 0;

  function handoverKey(create) {
    return kv.get(handover, keys).then(function (key) {
      if (key || !create) return key || null;
      // Non-extractable: script can use it here, but nobody can read it out of the tablet.
      return subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]).then(function (made) {
        return kv.set(handover, made, keys).then(function () { return made; });
      });
    });
  }

  function mine(queueKey) {
    return Array.isArray(queueKey) && queueKey[0] === handover;
  }

  function fieldsOf(formBody) {
    var pairs = [];
    new URLSearchParams(formBody).forEach(function (value, name) {
      if (name !== "csrf_token") pairs.push([name, value]);  // a fresh token is fetched when sending
    });
    return pairs;
  }

  // Anything of this hand-over, encrypted with its key: { iv, data } (the answers, the offline pack, where the child is).
  function seal(value) {
    var plain = encoder.encode(JSON.stringify(value));
    var iv = window.crypto.getRandomValues(new Uint8Array(12));
    return handoverKey(true).then(function (key) {
      return subtle.encrypt({ name: "AES-GCM", iv: iv }, key, plain);
    }).then(function (data) { return { iv: iv, data: data }; });
  }

  // The value sealed by seal(), or null when it cannot be opened (no key any more).
  function unseal(sealed) {
    if (!sealed) return Promise.resolve(null);
    return handoverKey(false).then(function (key) {
      if (!key) return null;
      return subtle.decrypt({ name: "AES-GCM", iv: sealed.iv }, key, sealed.data).then(function (plain) {
        return JSON.parse(decoder.decode(plain));
      });
    });
  }

  // Keep one answer (the URL it goes to and its form fields); resolves with its place in the queue.
  function put(url, formBody) {
    var place = [handover, Date.now(), counter++];  // taken now: the queue keeps the order of the taps
    return seal({ url: url, fields: fieldsOf(formBody) }).then(function (sealed) {
      return kv.set(place, sealed, answers).then(function () { return place; });
    });
  }

  function remove(place) {
    return place ? kv.del(place, answers) : Promise.resolve();
  }

  // This hand-over's waiting answers, oldest first.
  function waiting() {
    return kv.keys(answers).then(function (all) {
      return all.filter(mine).sort(function (a, b) { return a[1] - b[1] || a[2] - b[2]; });
    });
  }

  function open(place) {
    return kv.get(place, answers).then(unseal);
  }

  // A token for this session, fresh: the page's may have timed out while the tablet was offline.
  function freshToken() {
    var main = document.querySelector("[data-token-url]");
    if (!main) return Promise.reject(new Error("no token url"));
    return window.fetch(main.getAttribute("data-token-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("no token");
        return response.json();
      }).then(function (data) {
        // The page's own requests use it too from now on (the page's may have been rendered offline).
        var meta = document.querySelector('meta[name="csrf-token"]');
        if (meta) meta.setAttribute("content", data.token);
        return data.token;
      });
  }

  function send(answer, token) {
    var form = new URLSearchParams();
    answer.fields.forEach(function (pair) { form.append(pair[0], pair[1]); });
    return window.fetch(answer.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "HX-Request": "true" },
      body: form,
    });
  }

  var replaying = null;

  // Send every waiting answer in order; stop at the first that cannot go yet. Resolves with how many
  // the server confirmed (saved, already had, or refused as late: either way it is not kept here).
  function replay() {
    if (replaying) return replaying;
    replaying = waiting().then(function (places) {
      if (!places.length) return 0;
      return Promise.all([handoverKey(false), freshToken()]).then(function (ready) {
        var key = ready[0], token = ready[1], sent = 0;
        if (!key) return 0;
        return places.reduce(function (chain, place) {
          return chain.then(function (going) {
            if (!going) return false;
            return open(place).then(function (answer) {
              if (!answer) return true;
              return send(answer, token).then(function (response) {
                if (response.ok || response.status === 409 || response.status === 422 || response.status === 400) {
                  sent++;
                  return remove(place).then(function () { return true; });
                }
                return false;  // expired (403), or the server is struggling: kept, tried again later
              });
            });
          });
        }, Promise.resolve(true)).then(function () { return sent; });
      });
    }).catch(function () { return 0; }).then(function (sent) {
      replaying = null;
      return sent;
    });
    return replaying;
  }

  function count() {
    return waiting().then(function (places) { return places.length; });
  }

  // Nothing waiting any more: the key goes too, so nothing of this hand-over stays on the tablet.
  function forgetKeyIfEmpty() {
    return count().then(function (n) { return n ? n : kv.del(handover, keys).then(function () { return 0; }); });
  }

  window.voiceQueue = {
    put: put, remove: remove, replay: replay, count: count, forgetKeyIfEmpty: forgetKeyIfEmpty,
    seal: seal, unseal: unseal, handover: handover,
  };
})();
