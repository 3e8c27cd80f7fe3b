// voice-app: a whole conversation without a network (loaded after child-queue.js, before child.js).
// While the tablet is online, the page fetches the offline pack of this hand-over (every step this
// child may be asked, rendered by the server with the same macros as the online flow, and the show_if
// rules as data) and keeps it encrypted with the hand-over's key: in the language on screen at once,
// the others the child may switch to only one at a time while the tablet is idle on a link that does
// not ask to save data (a language the child switches to online comes with its page). When an answer cannot reach the
// server, child.js asks respond() for what the server would have shown: the next step comes from the
// pack, the answer waits in the queue, and the server judges it when the network returns.
// Where the child is (the conversation on screen) is kept encrypted too, so a reload without a
// network shows it again. Nothing here is kept in plain text, and all of it goes at give-back.
(function () {
  "use strict";

  // ---- The flow's rules, as voice_app/child/flow.py has them (tests/browser/test_child_offline_flow.py
  // runs every condition of the question banks through both).

  // flow.shown: a question with show_if is asked when the earlier answer chose any of its cards.
  function shown(question, answers) {
    var rule = question.show_if;
    if (!rule) return true;
    var earlier = answers[rule.question];
    if (!earlier) return false;
    return (earlier.choices || []).some(function (choice) { return rule.any_of.indexOf(choice) !== -1; });
  }

  // flow.asked_questions from the pack's candidates.
  function asked(questions, answers) {
    return questions.filter(function (question) { return shown(question, answers); });
  }

  // flow.next_step past the recap: the first unanswered question, then who may see it. On a sorting mat (`mat`,
  // the mat of the card just placed) its own next card comes first, as flow.is_current has it (the current card
  // *of its mat*); then the other mats' cards in the bank's order. A mat's card is numbered within its mat.
  function nextStep(questions, answers, mat) {
    var list = asked(questions, answers);
    var order = mat ? list.filter(function (q) { return q.mat === mat; }).concat(list) : list;
    for (var i = 0; i < order.length; i++) {
      var q = order[i];
      if (answers[q.id]) continue;
      if (!q.mat) return { kind: "question", question: q, number: list.indexOf(q) + 1, total: list.length };
      var cards = list.filter(function (card) { return card.mat === q.mat; });
      return { kind: "question", question: q, number: cards.indexOf(q) + 1, total: cards.length };
    }
    return { kind: "sharing", number: list.length, total: list.length };
  }

  // flow.clean_text: the child's words as typed, or null when blank.
  function cleanText(raw) {
    if (raw === null || raw === undefined) return null;
    var text = String(raw).replace(/\r\n/g, "\n").replace(/\r/g, "\n").replace(/\u0000/g, "");
    return text.trim() ? text : null;
  }

  // flow.parse_answer: what was sent, checked as the server checks it ({ problem } when it cannot be saved).
  function parseAnswer(question, fields, textMax) {
    if (fields.skip) return { choices: [], scale: null, text: null, skipped: true };
    if (fields.special) {
      if (question.extras.indexOf(fields.special) === -1) return { problem: "unknown" };
      return { choices: [fields.special], scale: null, text: null, skipped: false };
    }
    var words = question.words ? cleanText(fields.text) : null;
    if (words !== null && Array.from(words).length > textMax) return { problem: "long" };
    if (question.kind === "text") {
      if (words === null) return { problem: "words" };
      return { choices: [], scale: null, text: words, skipped: false };
    }
    if (question.kind === "scale") {
      if (fields.scale === null || fields.scale === "") {
        if (words === null) return { problem: "number" };
        return { choices: [], scale: null, text: words, skipped: false };
      }
      var value = Number(fields.scale);
      if (!/^\d+$/.test(fields.scale) || value > 10) return { problem: "unknown" };
      return { choices: [], scale: value, text: words, skipped: false };
    }
    var wanted = fields.choices.filter(function (c, i) { return fields.choices.indexOf(c) === i; });
    if (wanted.some(function (c) { return question.choices.indexOf(c) === -1; })) return { problem: "unknown" };
    if (question.kind === "choice" && wanted.length > 1) return { problem: "unknown" };
    if (!wanted.length && words === null) return { problem: "picture" };
    wanted.sort(function (a, b) { return question.choices.indexOf(a) - question.choices.indexOf(b); });
    return { choices: wanted, scale: null, text: words, skipped: false };
  }

  window.voiceFlow = { shown: shown, asked: asked, nextStep: nextStep, parseAnswer: parseAnswer, cleanText: cleanText };

  var body = document.body;
  var queue = window.voiceQueue;
  var kv = window.idbKeyval;
  var main = document.querySelector(".child-main");
  if (!main || !queue || !kv || !body.getAttribute("data-handover")) return;

  var handover = queue.handover;
  var store = kv.createStore("voice-child-offline", "kept");
  var packUrl = body.getAttribute("data-pack-url");  // ".../pack/LANG.json" (absent on pages with no conversation)
  var pack = null;  // the pack of the language on screen, in memory only
  var beforeEnding = null;  // the conversation as it was before "I've finished" or "I want to stop"

  function kept(name) { return [handover, name]; }

  function keep(name, value) {
    return queue.seal(value).then(function (sealed) { return kv.set(kept(name), sealed, store); });
  }

  function read(name) {
    return kv.get(kept(name), store).then(queue.unseal).catch(function () { return null; });
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function replaceAll(html, from, to) { return html.split(from).join(to); }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  // A piece of a pack's markup as it is shown: every tag or text the pack writes once (in "shared") back in
  // its place (pack_routes.expand_piece does the same), and a fresh id for each answer form.
  function piece(from, markup) {
    var shared = from.shared;
    var html = shared ? markup.replace(/@@(\d+)@@/g, function (all, place) { return shared[Number(place)]; }) : markup;
    var client = from.stand_ins && from.stand_ins.client;
    if (!client || html.indexOf(client) === -1) return html;
    return html.split(client).map(function (part, i) { return i ? newId() + part : part; }).join("");
  }

  // ---- Fetching and keeping the pack (the language on screen first; the others only while the child may choose one).

  function languageOnScreen() { return document.documentElement.getAttribute("lang") || "en-GB"; }

  function packFor(code) {
    if (pack && pack.language === code) return Promise.resolve(pack);
    return read("pack:" + code);
  }

  function fetchPack(code) {
    return read("pack:" + code).then(function (have) {
      if (have) return have;
      // The pack's steps always name their pictures from the symbol sprite (kept in the worker's cache with the
      // other files for time offline), never carrying a drawing.
      return window.fetch(packUrl.replace("LANG", encodeURIComponent(code)), { credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) return null;
          return response.json().then(function (fresh) { return keep("pack:" + code, fresh).then(function () { return fresh; }); });
        });
    }).catch(function () { return null; });
  }

  // The languages whose pack this tablet holds for this hand-over.
  function held() {
    return kv.keys(store).then(function (all) {
      return all.filter(function (key) {
        return Array.isArray(key) && key[0] === handover && String(key[1]).indexOf("pack:") === 0;
      }).map(function (key) { return String(key[1]).slice("pack:".length); });
    }).catch(function () { return []; });
  }

  function showHeld() {
    return held().then(function (codes) {
      body.setAttribute("data-offline-languages", codes.sort().join(" "));  // what a test waits for
    });
  }

  function languagesOffered() {
    var choices = document.querySelectorAll("form.languages button[name=language]");
    return Array.prototype.map.call(choices, function (b) { return b.value; });
  }

  // Idle: nothing touched for a few seconds, the page on screen, and the browser's own idle time.
  var IDLE_MS = 5000;
  var touched = Date.now();
  ["pointerdown", "keydown", "input", "submit"].forEach(function (name) {
    document.addEventListener(name, function () { touched = Date.now(); }, true);
  });

  function whenIdle() {
    return new Promise(function (resolve) {
      function look() {
        var quiet = Date.now() - touched;
        var busy = document.querySelector("#conversation[aria-busy], #step[aria-busy]");
        if (quiet < IDLE_MS || busy || document.visibilityState === "hidden") {
          window.setTimeout(look, Math.max(IDLE_MS - quiet, 1000));
        } else if (window.requestIdleCallback) {
          window.requestIdleCallback(function () { resolve(); }, { timeout: 2000 });
        } else {
          resolve();
        }
      }
      look();
    });
  }

  // Whether another language may come now: only while the child may still choose one (before the first
  // answer), with a network, and never on a link that asks to save data.
  function mayFetchOthers() {
    var link = navigator.connection;
    return Boolean(document.querySelector("form.languages")) && navigator.onLine && !(link && link.saveData);
  }

  function fetchOthersWhenIdle(here) {
    return languagesOffered().filter(function (code) { return code !== here; }).reduce(function (chain, code) {
      return chain.then(function () {
        if (!mayFetchOthers()) return null;
        return read("pack:" + code).then(function (have) {
          if (have) return null;
          return whenIdle().then(function () {
            return mayFetchOthers() ? fetchPack(code).then(showHeld) : null;
          });
        });
      });
    }, Promise.resolve());
  }

  function prepare() {
    if (!packUrl || !navigator.onLine || !document.getElementById("conversation")) return Promise.resolve();
    var here = languageOnScreen();
    return fetchPack(here).then(function (mine) {
      if (mine && mine.language === languageOnScreen()) pack = mine;
      if (pack) body.setAttribute("data-offline-pack", "ready");  // what a test waits for
      return afterFilesKept();
    }).then(function () {
      if (pack && body.getAttribute("data-offline-ready") === "true" && window.performance && performance.mark) {
        performance.mark("voice:offline-ready");  // the conversation can be held with no network (bench/wire_bytes.py)
      }
      return showHeld();
    }).then(function () { return fetchOthersWhenIdle(here); });
  }

  // Resolves when child.js marks the body (attribute="true"), or after ms at the latest.
  function whenBodySays(attribute, ms) {
    return new Promise(function (resolve) {
      if (body.getAttribute(attribute) === "true") { resolve(); return; }
      var watch = new MutationObserver(function () {
        if (body.getAttribute(attribute) === "true") done();
      });
      var timer = window.setTimeout(done, ms);
      function done() { watch.disconnect(); window.clearTimeout(timer); resolve(); }
      watch.observe(body, { attributes: true, attributeFilter: [attribute] });
    });
  }

  // The other languages wait until the service worker's files are kept, so on a slow link they never hold
  // up the files the conversation needs; at most a minute.
  function afterFilesKept() { return whenBodySays("data-offline-ready", 60000); }

  // ---- Where the child is: the conversation on screen, kept (encrypted) after every step.

  function snapshot() {
    var conversation = document.getElementById("conversation");
    if (!conversation) return Promise.resolve();
    var copy = conversation.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(".is-pressed, .is-saving, .is-arriving"), function (node) {
      node.classList.remove("is-pressed", "is-saving", "is-arriving");
    });
    Array.prototype.forEach.call(copy.querySelectorAll("[inert], [aria-busy]"), function (node) {
      node.removeAttribute("inert");
      node.removeAttribute("aria-busy");
    });
    var missing = copy.querySelector("#language-missing");  // said once, not again after a reload
    if (missing) missing.remove();
    var header = document.querySelector(".child-header");
    return keep("where", {
      language: languageOnScreen(),
      dir: document.documentElement.getAttribute("dir") || "ltr",
      title: document.title,
      header: header ? header.outerHTML : "",
      conversation: copy.outerHTML,
      ending: beforeEnding,
    }).catch(function () {});
  }

  // ---- Answers on screen, as flow.load_answers has them (only the cards matter to show_if).

  // A sorting mat's cards placed while online are on the mat, not in bubbles: each links to its card (no mat card
  // has a show_if, so which column it is in does not matter here).
  var PLACED = /\/questions\/([^/?#]+)/;

  function answersOnScreen() {
    var found = {};
    var placed = document.querySelectorAll("#step .mat__placed[href]");
    for (var p = 0; p < placed.length; p++) {
      var card = PLACED.exec(placed[p].getAttribute("href"));
      if (card) found[decodeURIComponent(card[1])] = { choices: [] };
    }
    var items = document.querySelectorAll("#conversation li[id^='answer-']");
    for (var i = 0; i < items.length; i++) {
      var choices = (items[i].getAttribute("data-choices") || "").split(" ").filter(Boolean);
      found[items[i].id.slice("answer-".length)] = { choices: choices };
    }
    return found;
  }

  // The next card of the same mat from the pack (its mat drawn empty): the cards already on the mat stay where
  // they were, so the mat does not lose them (the one just placed shows as the child's bubble).
  function keepMat(stepMarkup) {
    var old = document.getElementById("step");
    if (!old || !old.querySelector(".mat__placed")) return stepMarkup;
    var holder = document.createElement("template");
    holder.innerHTML = stepMarkup.trim();
    var fresh = holder.content.querySelector("#step");
    if (!fresh || fresh.getAttribute("data-mat") !== old.getAttribute("data-mat")) return stepMarkup;
    var before = old.querySelectorAll(".mat__column");
    var after = fresh.querySelectorAll(".mat__column");
    for (var i = 0; i < before.length && i < after.length; i++) {
      var cards = before[i].querySelector(".mat__cards");
      if (cards) after[i].appendChild(cards.cloneNode(true));
    }
    var aside = old.querySelector(".mat__aside");
    var mat = fresh.querySelector(".mat");
    if (aside && mat) mat.parentNode.insertBefore(aside.cloneNode(true), mat.nextSibling);
    return fresh.outerHTML;
  }

  function fieldsOf(requestBody) {
    var fields = { choices: [], special: null, scale: null, text: null, skip: false, mode: null, sharing: null, language: null };
    new URLSearchParams(requestBody || "").forEach(function (value, name) {
      if (name === "choice") fields.choices.push(value);
      else if (name === "skip") fields.skip = Boolean(value);
      else if (name in fields) fields[name] = value;
    });
    return fields;
  }

  function question(id) {
    for (var i = 0; i < pack.questions.length; i++) if (pack.questions[i].id === id) return pack.questions[i];
    return null;
  }

  function stepHtml(step) {
    if (step.kind === "sharing") return piece(pack, pack.sharing);
    var html = replaceAll(piece(pack, step.question.step), pack.stand_ins.number, String(step.number));
    return replaceAll(html, pack.stand_ins.total, String(step.total));
  }

  // The answered bubble, built from the question's pieces in answer_content's order.
  function answeredHtml(q, answer) {
    var holder = document.createElement("template");
    holder.innerHTML = piece(pack, q.answered).trim();
    var item = holder.content.firstElementChild;
    item.setAttribute("data-choices", answer.choices.join(" "));
    var bubble = item.querySelector(".bubble--child");
    Array.prototype.forEach.call(bubble.querySelectorAll(".said"), function (node) { node.remove(); });
    var pieces = [];
    if (answer.skipped) pieces.push(piece(pack, q.skip));
    answer.choices.forEach(function (choice) { pieces.push(piece(pack, q.said[choice])); });
    if (answer.scale !== null) pieces.push(replaceAll(piece(pack, q.scale), pack.stand_ins.scale, String(answer.scale)));
    if (answer.text) pieces.push(replaceAll(piece(pack, q.text), pack.stand_ins.words, escapeHtml(answer.text)));
    var said = document.createElement("template");
    said.innerHTML = pieces.join("");
    bubble.insertBefore(said.content, bubble.querySelector(".bubble__change"));
    return item.outerHTML;
  }

  // The step as it is, with kind words about what is missing (nothing is queued).
  function withProblem(key) {
    var step = document.getElementById("step").cloneNode(true);
    step.removeAttribute("inert");
    step.removeAttribute("aria-busy");
    step.classList.remove("is-saving");
    Array.prototype.forEach.call(step.querySelectorAll(".is-pressed, .problem"), function (node) {
      if (node.classList.contains("problem")) node.remove();
      else node.classList.remove("is-pressed");
    });
    var problem = document.createElement("p");
    problem.className = "problem";
    problem.id = "problem";
    problem.setAttribute("role", "alert");
    problem.textContent = pack.problems[key];
    var form = step.querySelector("form");
    form.parentNode.insertBefore(problem, form);
    return step.outerHTML;
  }

  function html(text) {
    return new Response(text, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
  }

  var PATHS = /\/child\/statements\/(\d+)(?:\/(questions\/[^/]+|sharing|stop|recap|finish))?$/;

  // What the server would have shown for this request, from the pack, or null when it cannot be told
  // here (then child.js waits for the network). `queue` says whether the request waits to be sent.
  function respond(url, options) {
    if (!pack) return null;
    var path = new URL(url, window.location.href).pathname;
    var found = PATHS.exec(path);
    if (!found || Number(found[1]) !== pack.statement) return null;
    var what = found[2] || "";
    var post = String(options.method || "GET").toUpperCase() === "POST";
    var fields = post ? fieldsOf(options.body) : null;
    var answers = answersOnScreen();
    if (post && what.indexOf("questions/") === 0) {
      if (fields.mode === "edit") return null;  // changing an answer waits for the network
      var q = question(decodeURIComponent(what.slice("questions/".length)));
      if (!q) return null;
      var current = nextStep(pack.questions, answers, q.mat);
      if (current.kind !== "question" || current.question.id !== q.id) return null;
      var answer = parseAnswer(q, fields, pack.text_max);
      if (answer.problem === "unknown") return null;
      if (answer.problem) return { response: html(withProblem(answer.problem)), queue: false };
      var after = Object.assign({}, answers);
      after[q.id] = answer;
      var next = stepHtml(nextStep(pack.questions, after, q.mat));
      return { response: html(answeredHtml(q, answer) + (q.mat ? keepMat(next) : next)), queue: true };
    }
    if (post && what === "recap") return { response: html(stepHtml(nextStep(pack.questions, answers))), queue: true };
    if (post && what === "sharing" && (fields.sharing === "meeting" || fields.sharing === "iro_only")) {
      return { response: html(piece(pack, pack.done["finished-" + fields.sharing])), queue: true };
    }
    if (post && what === "stop") return { response: html(piece(pack, pack.done.stopped)), queue: true };
    if (post) return null;
    if (what === "finish" || what === "stop") {
      var conversation = document.getElementById("conversation");
      beforeEnding = conversation ? conversation.outerHTML : null;
      return { response: html(piece(pack, what === "finish" ? pack.sharing : pack.stop)), queue: false };
    }
    if (what === "" && beforeEnding) {
      var back = beforeEnding;
      beforeEnding = null;
      return { response: html(back), queue: false };
    }
    return null;
  }

  // ---- Choosing a language: a whole-page form. Without a network, the start of the conversation in
  // that language comes from its pack, and the choice waits in the queue with the answers.
  // A language whose pack is not on the tablet cannot be shown without a network: say so kindly, in the
  // language on screen (its pack carries the words), beside the languages.
  function sayMissing(form) {
    if (!pack || !pack.missing_language) return;
    var said = form.querySelector("#language-missing");
    if (!said) {
      said = document.createElement("p");
      said.className = "problem";
      said.id = "language-missing";
      said.setAttribute("role", "alert");
      var list = form.querySelector(".languages__list");
      form.insertBefore(said, list);
    }
    said.textContent = "";
    said.textContent = pack.missing_language;
  }

  function showLanguage(chosen, code) {
    var conversation = document.getElementById("conversation");
    var holder = document.createElement("template");
    holder.innerHTML = piece(chosen, chosen.start).trim();
    Array.prototype.forEach.call(holder.content.querySelectorAll("button[name=language]"), function (button) {
      var on = button.value === code;
      button.classList.toggle("languages__item--chosen", on);
      if (on) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    });
    conversation.replaceWith(holder.content);
    showChrome({ language: chosen.language, dir: chosen.dir, title: chosen.title, header: piece(chosen, chosen.header) });
    pack = chosen;
    settleNew();
  }

  function showChrome(where) {
    document.documentElement.setAttribute("lang", where.language);
    document.documentElement.setAttribute("dir", where.dir);
    if (where.title) document.title = where.title;
    var header = document.querySelector(".child-header");
    if (header && where.header) {
      var holder = document.createElement("template");
      holder.innerHTML = where.header.trim();
      header.replaceWith(holder.content);
    }
  }

  function settleNew() {
    var conversation = document.getElementById("conversation");
    if (conversation && window.htmx && window.htmx.process) window.htmx.process(conversation);
    document.dispatchEvent(new CustomEvent("voice:offline:shown"));
    snapshot();
  }

  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form.matches || !form.matches("form.languages")) return;
    var button = evt.submitter;
    if (!button || button.name !== "language") return;
    evt.preventDefault();
    var data = new URLSearchParams(new FormData(form));
    data.set("language", button.value);
    var code = button.value;
    // Nothing else can be tapped until the page in the new language is here (or comes from its pack).
    var conversation = document.getElementById("conversation");
    if (conversation) { conversation.inert = true; conversation.setAttribute("aria-busy", "true"); }
    window.fetch(form.action, { method: "POST", credentials: "same-origin", body: data }).then(function (response) {
      window.location.assign(response.redirected ? response.url : window.location.href);
    }, function () {
      if (conversation) { conversation.inert = false; conversation.removeAttribute("aria-busy"); }
      packFor(code).then(function (chosen) {
        if (!chosen || !chosen.start) {
          sayMissing(form);
          document.dispatchEvent(new CustomEvent("voice:offline:unknown"));
          return;
        }
        queue.put(form.action, data).then(function () {
          showLanguage(chosen, code);
          document.dispatchEvent(new CustomEvent("voice:offline:queued"));
        });
      });
    });
  });

  // ---- Back to where the child was, after a reload without a network (the service worker gave the
  // kind offline page): the conversation as it last was on screen, carrying on from the pack.

  function restore() {
    var offline = document.querySelector("[data-offline-page]");
    if (!offline) return Promise.resolve(false);
    return read("where").then(function (where) {
      if (!where || !where.conversation) return false;
      return packFor(where.language).then(function (found) {
        if (!found) return false;
        pack = found;
        beforeEnding = where.ending || null;
        var chat = offline.closest("ol") || offline;
        var holder = document.createElement("template");
        holder.innerHTML = where.conversation.trim();
        chat.replaceWith(holder.content);
        showChrome(where);
        var conversation = document.getElementById("conversation");
        if (conversation && window.htmx && window.htmx.process) window.htmx.process(conversation);
        body.setAttribute("data-offline-restored", "true");
        document.dispatchEvent(new CustomEvent("voice:offline:shown"));
        return true;
      });
    });
  }

  // Give-back: nothing of the conversation stays (the answers still waiting are the queue's, until sent).
  function forget() {
    return kv.keys(store).then(function (all) {
      return Promise.all(all.filter(function (key) { return Array.isArray(key) && key[0] === handover; }).map(function (key) {
        return kv.del(key, store);
      }));
    }).catch(function () {});
  }

  document.addEventListener("htmx:after:swap", function () { snapshot(); });

  var ready;
  if (document.querySelector("[data-give-back]")) {
    ready = forget();
  } else if (document.querySelector("[data-offline-page]")) {
    ready = restore();
  } else {
    snapshot();
    // The pack comes after the first screen and the sprite (child.js fetches it at load), never competing
    // with the first question; without a sprite after 15 s it comes anyway, drawing its pictures inline.
    ready = whenBodySays("data-sprite-kept", 15000).then(prepare);
  }

  window.voiceOffline = { respond: respond, ready: ready, forget: forget, snapshot: snapshot };
})();
