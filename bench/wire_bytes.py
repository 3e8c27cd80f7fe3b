"""Bytes on the wire, as a browser receives them from the app (headers included), on the demo's data.

Run: .venv/bin/python bench/wire_bytes.py
Serves the app under Waitress on the demo seed (a fresh SQLite database), drives Debian's Chromium through
Playwright and counts, from Chromium's own network log (CDP), every response's encoded length: status line,
headers and compressed body. Prints:
  - the child's first screen, cold (empty cache), after the IRO's "Start" (the hand-over's redirect shown apart);
  - one step (answering the first question: the fragment and anything it pulls in), and the heaviest step
    of the whole younger conversation;
  - a warm reload of the child's page: requests, revalidations (304s) and bytes;
  - the parent's first screen (the questionnaire's start page, cold) and its first question.
Targets (issue 14): child's first screen <= 30 KB, one step <= 4 KB with its pictures, a warm reload
revalidates nothing, the parent's first screen <= 40 KB. What the child's page fetches by script after its load
event (the symbol sprite, kept a year, the offline script, page and list) is a line of its own: <= 40 KB; and the
conversation packs for time offline (issue 13: one for each language the child may switch to) are one more, with
the heaviest pack <= 20 KB.
Issue 33: everything the tablet downloads from the hand-over until the whole conversation can be held with no
network in the chosen language (the page's performance mark "voice:offline-ready"; on a release before it, when
every language's pack had come) <= 80 KB, the service worker's script included; the other languages after that,
one at a time while the tablet is idle; and each language's pack <= 250 KB before compression.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright
from sqlmodel import Session, select
from waitress.server import create_server

from voice_app import create_app
from voice_app.config import Settings
from voice_app.db import make_engine
from voice_app.demo import DEMO_PASSWORD, seed_demo
from voice_app.migrate import upgrade
from voice_app.models import Child, FeedbackLink, Review, ReviewKind, utcnow
from voice_app.parents.links import new_token
from voice_app.serving import stop_in_thread

CHROMIUM = "/usr/bin/chromium"
CHILD = "Aisha"  # 9, English, a visit planned with the demo IRO
TARGETS = {"child first screen": 30 * 1024, "one step": 4 * 1024, "parent first screen": 40 * 1024,
           # Once per release on a tablet (the sprite is kept a year); not part of issue 14's list, stated here so
           # that what is fetched after the first screen is counted, not hidden.
           "kept after the first screen": 40 * 1024,
           # Issue 13: a whole conversation offline needs it in the chosen language and every one the child may
           # switch to; one language at a time, after the files, and only while the language buttons show.
           "conversation pack, one language": 20 * 1024,
           # Issue 33: from the hand-over until the conversation can be held offline in the chosen language.
           "offline-ready": 80 * 1024,
           "pack before compression": 250 * 1000}
# When the page could hold the conversation offline: its mark, or (a release before issue 33) every language's pack.
OFFLINE_READY = """() => {
  const mark = performance.getEntriesByName("voice:offline-ready")[0];
  if (mark) return performance.timeOrigin + mark.startTime;
  return document.body.getAttribute("data-offline-languages") === "ready" ? Date.now() : null;
}"""
# How many languages' packs the tablet holds (a release before issue 33 said "ready" once it had all ten).
HELD = """() => {
  const held = document.body.getAttribute("data-offline-languages") || "";
  return held === "ready" ? 10 : held.split(" ").filter(Boolean).length;
}"""
# Each language's pack as the page asks for it (the sprite kept), measured before compression.
PACK_SIZES = """async () => {
  const url = document.body.getAttribute("data-pack-url");
  const codes = [...document.querySelectorAll("form.languages button[name=language]")].map((b) => b.value);
  const headers = { "X-Symbol-Sprite": document.body.getAttribute("data-sprite") };
  const sizes = {};
  for (const code of codes) {
    const response = await fetch(url.replace("LANG", code), { credentials: "same-origin", cache: "no-store", headers });
    sizes[code] = (await response.arrayBuffer()).byteLength;
  }
  return sizes;
}"""


def seed(url: str) -> tuple[str, int]:
    """The demo service, and a feedback link for one of its conferences: the link's token and the child's id."""
    upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        seed_demo(db)
        conference = db.exec(select(Review).where(Review.kind == ReviewKind.CP_CONFERENCE).order_by(Review.id)).first()
        link_token = new_token()
        db.add(FeedbackLink(review_id=conference.id, token=link_token, created_by_id=conference.chair_id,
                            expires_at=utcnow() + timedelta(days=28), max_responses=2))
        db.commit()
        child_id = db.exec(select(Child).where(Child.preferred_name == CHILD)).one().id
    engine.dispose()
    return link_token, child_id


class Wire:
    """Chromium's network log for one page: what each response cost on the wire."""

    def __init__(self, context, page) -> None:
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.requests: dict[str, dict] = {}
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.responseReceived", self._received)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.requestServedFromCache", self._from_cache)

    def _sent(self, event) -> None:
        redirect = event.get("redirectResponse")
        if redirect is not None:  # the same request id goes on after a redirect: keep the redirect as its own entry
            self.requests[f"{event['requestId']}:{len(self.requests)}"] = {
                "url": redirect["url"], "status": redirect["status"], "bytes": redirect.get("encodedDataLength", 0), "cache": False}
        self.requests[event["requestId"]] = {"url": event["request"]["url"], "status": None, "bytes": 0, "cache": False,
                                             "by": event.get("initiator", {}).get("type", "other"),
                                             "at": event.get("wallTime", 0) * 1000}

    def _received(self, event) -> None:
        entry = self.requests.setdefault(event["requestId"], {"url": event["response"]["url"], "bytes": 0, "cache": False})
        entry["status"] = event["response"]["status"]
        entry["cache"] = entry["cache"] or event["response"].get("fromDiskCache", False)
        # Answered by the child's service worker: its own fetch (and its bytes) is in the worker's log, not the page's.
        entry["worker"] = event["response"].get("fromServiceWorker", False)

    def _finished(self, event) -> None:
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]]["bytes"] = event["encodedDataLength"]

    def _from_cache(self, event) -> None:
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]]["cache"] = True

    def take(self) -> list[dict]:
        """What came since the last call (requests answered from the browser's cache are left out)."""
        taken = [entry for entry in self.requests.values() if not entry["cache"]]
        self.requests = {}
        return taken


def service_worker_bytes(page, base: str) -> int:
    """The service worker script as the browser gets it (status line, headers, compressed body), asked for directly."""
    url = page.locator("body").get_attribute("data-sw-url")
    request = urllib.request.Request(f"{base}{url}", headers={"Accept-Encoding": "br, gzip", "Service-Worker": "script"})
    with urllib.request.urlopen(request) as response:  # noqa: S310 - our own server on 127.0.0.1
        head = f"HTTP/1.1 {response.status} {response.reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in response.headers.items())
        return len(head) + 2 + len(response.read())


def report(label: str, entries: list[dict], *, base: str, target: int | None = None, detail: bool = True) -> int:
    total = sum(entry["bytes"] for entry in entries)
    revalidated = sum(1 for entry in entries if entry["status"] == 304)
    goal = f" (target <= {target / 1024:.0f} KB: {'met' if total <= target else 'MISSED'})" if target else ""
    print(f"{label}: {total / 1024:.1f} KB in {len(entries)} requests, {revalidated} revalidated{goal}")
    if detail:
        for entry in sorted(entries, key=lambda e: -e["bytes"]):
            worker = ", through the service worker: bytes not in the page's log" if entry.get("worker") else ""
            print(f"    {entry['bytes']:>7,} B  {entry['status']}  {entry['url'].replace(base, '')}  ({entry.get('by')}{worker})")
    return total


def answer_step(page) -> bool:
    """Answer the current step with the first thing on offer (or read the recap); False once there are no questions."""
    step = page.locator("#step")
    kind = step.get_attribute("data-kind")
    before = page.locator("#question-title").inner_text()
    if kind == "recap":
        step.locator("button.button-main").click()
    elif kind == "scale" and step.locator("button.scale__n").count():
        step.locator("button.scale__n").nth(5).click()
    elif kind == "text":
        step.locator("textarea").fill("I like my school.")
        step.locator("button.button-main").click()
    elif step.locator("button.card[name=choice]").count():
        step.locator("button.card[name=choice]").first.click()
    elif kind in ("choice", "multi", "people", "scale"):
        step.locator("label.card, label.scale__n").first.click()
        step.locator("button.button-main").click()
    else:
        return False
    expect(page.locator("#question-title")).not_to_have_text(before)
    page.wait_for_load_state("networkidle")
    return True


def hand_over(page, base: str, child_id: int) -> None:
    """Sign in as the demo IRO and get the tablet ready for the child (everything up to the Start button)."""
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill("iro@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{base}/children/{child_id}")
    page.get_by_role("link", name=f"Hand the tablet to {CHILD}").first.click()
    page.get_by_label("Younger").check()
    page.get_by_label("Their views, then").check()


def bench_child(browser, base: str, child_id: int) -> None:
    tablet = browser.new_context(viewport={"width": 768, "height": 1024})
    page = tablet.new_page()
    wire = Wire(tablet, page)
    hand_over(page, base, child_id)
    wire.cdp.send("Network.clearBrowserCache")  # cold: as if the staff pages had never been opened here
    wire.take()
    page.get_by_role("button", name=f"Start: hand the tablet to {CHILD}").click()
    expect(page.locator("#step")).to_be_visible()
    ready_at = page.wait_for_function(OFFLINE_READY, timeout=120000).json_value()
    page.wait_for_load_state("networkidle")
    entries = wire.take()
    ready = [entry for entry in entries if entry.get("at", 0) <= ready_at]
    later = [entry for entry in entries if entry.get("at", 0) > ready_at]
    redirects = [entry for entry in entries if entry["status"] in (302, 303)]
    # What the page's own script fetches once the screen is whole (the symbol sprite, the offline page and list)
    # is not needed to see or answer the first question: it is reported on its own line, with its own target.
    kept = [entry for entry in entries if entry not in redirects and entry["by"] == "script"]
    report("child's first screen (cold: the page after the hand-over and everything it loads to show and work)",
           [entry for entry in entries if entry not in redirects and entry not in kept], base=base,
           target=TARGETS["child first screen"])
    print(f"    before it, the hand-over's own redirect: {sum(entry['bytes'] for entry in redirects):,} B")
    packs = [entry for entry in kept if "/pack/" in entry["url"]]
    report("  then, after its load event, kept by its script for the next steps and for time offline",
           [entry for entry in kept if entry not in packs], base=base, target=TARGETS["kept after the first screen"])
    if packs:
        heaviest = max(packs, key=lambda entry: entry["bytes"])
        print(f"  and the conversation for offline, one pack a language: {len(packs)} packs, "
              f"{sum(entry['bytes'] for entry in packs) / 1024:.1f} KB in all")
        report("    the heaviest pack", [heaviest], base=base, target=TARGETS["conversation pack, one language"])
    worker = service_worker_bytes(page, base)
    print(f"    and the service worker's own script (the browser fetches it outside the page's log): {worker:,} B")
    until = sum(entry["bytes"] for entry in ready) + worker
    goal = TARGETS["offline-ready"]
    print(f"offline-ready in {page.locator('html').get_attribute('lang')}: {until / 1024:.1f} KB in {len(ready) + 1} requests "
          f"from the hand-over, the service worker's script included (target <= {goal / 1024:.0f} KB: "
          f"{'met' if until <= goal else 'MISSED'})")
    # The other languages, one at a time while the tablet is idle (nothing touched): waited for here, up to 2 minutes.
    try:
        page.wait_for_function(f"() => ({HELD})() >= 10", timeout=120000)
    except Exception:  # noqa: BLE001 - an older release, or a link asking to save data: report what came
        pass
    page.wait_for_load_state("networkidle")
    later += wire.take()
    idle = [entry for entry in later if "/pack/" in entry["url"]]
    print(f"  then, while the tablet is idle, the other languages: {len(idle)} packs, "
          f"{sum(entry['bytes'] for entry in idle) / 1024:.1f} KB in all")
    sizes = page.evaluate(PACK_SIZES)
    wire.take()  # the measuring fetches are not the tablet's
    limit = TARGETS["pack before compression"]
    print(f"each language's pack before compression (target <= {limit / 1000:.0f} KB: "
          f"{'met' if max(sizes.values()) <= limit else 'MISSED'}): "
          + ", ".join(f"{code} {size / 1000:.0f} KB" for code, size in sizes.items()))
    first_kind = page.locator("#step").get_attribute("data-kind")
    answer_step(page)
    report(f"one step (answering the first, a {first_kind} step: fragment + what it loads)", wire.take(), base=base,
           target=TARGETS["one step"])
    steps: list[tuple[int, list[dict]]] = []
    while answer_step(page):
        entries = wire.take()
        steps.append((sum(entry["bytes"] for entry in entries), entries))
    weights = sorted(weight for weight, _ in steps)
    if weights:
        print(f"every later step ({len(weights)}): median {weights[len(weights) // 2] / 1024:.1f} KB, "
              f"{sum(1 for w in weights if w <= TARGETS['one step'])} within 4 KB")
        report("  the heaviest of them", max(steps, key=lambda item: item[0])[1], base=base, target=TARGETS["one step"])
    page.reload(wait_until="networkidle")
    warm = wire.take()
    report("child's page, warm reload", warm, base=base)
    print(f"    static files asked for again on the warm reload: {sum(1 for e in warm if '/static/' in e['url'])} (target 0)")
    tablet.close()


def bench_parent(browser, base: str, link_token: str) -> None:
    phone = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    wire = Wire(phone, page)
    page.goto(f"{base}/p/{link_token}", wait_until="networkidle")
    report("parent's first screen (cold)", wire.take(), base=base, target=TARGETS["parent first screen"])
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    report("parent's first question (after Start)", wire.take(), base=base)
    phone.close()


def main() -> int:
    folder = tempfile.mkdtemp(prefix="voice-wire-")
    url = f"sqlite:///{folder}/demo.db"
    link_token, child_id = seed(url)
    app = create_app(settings=Settings(env="development", database_url=url, rate_limits_enabled=False, secure_cookies=False))
    server = create_server(app, host="127.0.0.1", port=0, threads=4, ident="voice-app")
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            bench_child(browser, base, child_id)
            bench_parent(browser, base, link_token)
            browser.close()
    finally:
        stop_in_thread(server, thread)
    return 0


if __name__ == "__main__":
    sys.exit(main())
