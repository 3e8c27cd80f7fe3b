"""The child's conversation on a field link: tap to pressed, tap to next question, and answers stored once, in order.

Run: .venv/bin/python bench/child_field.py [--taps 8] [--drop-runs 2] [--offline-runs 2] [--app-root PATH]
Drives Debian's Chromium (tablet viewport, touch) against the app under Waitress, with Chromium's own
throttling (CDP Network.emulateNetworkConditions) at 400 ms and 1.5 s of latency per request. Prints,
per link, the median and p95 of the time from a tap to the tapped card showing as pressed (the first
frame in which it is pressed, or replaced) and from a tap to the next question. Then runs whole
conversations on a 400 ms link that drops at random (offline before a tap, or just after it so the
response is lost) with an impatient second tap now and then, and prints the share of answers stored
exactly once, in order, matching what the screen shows. Last, whole conversations with no network at
all after the first screen (from the offline pack, with a reload half way), then online again: how far
the child got offline and the share of answers stored once, in order, matching the screen. Targets: tap
to pressed <= 100 ms on any link; 100% stored once, in order, matching the screen.

--app-root runs the same measurements against another checkout (for before/after figures).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _app_root() -> Path:
    for n, arg in enumerate(sys.argv):
        if arg == "--app-root" and n + 1 < len(sys.argv):
            return Path(sys.argv[n + 1]).resolve()
    return ROOT


sys.path.insert(0, str(_app_root()))

from playwright.sync_api import sync_playwright  # noqa: E402
from sqlmodel import Session, SQLModel, select  # noqa: E402
from tablets import hand_over_tablet  # noqa: E402 - bench/tablets.py: the set-up shared with bench/child_answers.py
from waitress.server import create_server  # noqa: E402

import voice_app.models  # noqa: E402,F401 - every table
from voice_app import create_app  # noqa: E402
from voice_app.child.flow import choice_view  # noqa: E402
from voice_app.config import Settings  # noqa: E402
from voice_app.db import make_engine  # noqa: E402
from voice_app.models import Answer, AnswerChoice, Role, StaffUser, Statement  # noqa: E402
from voice_app.passwords import hash_password, use_fast_hashing_for_tests  # noqa: E402
from voice_app.questions.bank import default_bank  # noqa: E402
from voice_app.security import CHILD_MODE_KEY  # noqa: E402
from voice_app.serving import stop_in_thread  # noqa: E402

COOKIE = "voice_app_session"
VERBOSE = "--verbose" in sys.argv
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-quic"]

# Installed before any page script: times each tap on a card to the first frame where it shows as
# pressed (or is replaced by the next step), and to the first frame with the next question.
PROBE = """
window.__taps = [];
document.addEventListener("click", (event) => {
  const card = event.target.closest && event.target.closest("button.card, button.scale__n, button.tool");
  if (!card || !card.closest("#step")) return;
  const start = performance.now();
  const title = (document.querySelector("#question-title") || {}).textContent;
  const tap = { pressed: null, next: null };
  window.__taps.push(tap);
  const look = () => {
    const now = performance.now() - start;
    const pressed = card.classList.contains("is-pressed") || card.classList.contains("card--chosen") || !card.isConnected;
    if (tap.pressed === null && pressed) tap.pressed = now;
    if (tap.next === null && (document.querySelector("#question-title") || {}).textContent !== title) tap.next = now;
    if (tap.pressed === null || tap.next === null) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}, true);
"""


class World:
    """The app under Waitress on a temporary SQLite database, and a way to hand a tablet over."""

    def __init__(self) -> None:
        folder = tempfile.mkdtemp(prefix="voice-field-")
        self.url = f"sqlite:///{folder}/bench.db"
        self.engine = make_engine(self.url)
        SQLModel.metadata.create_all(self.engine)
        self.app = create_app(settings=Settings(env="development", database_url=self.url, rate_limits_enabled=False, secure_cookies=False))
        self.server = create_server(self.app, host="127.0.0.1", port=0, threads=4, ident="voice-field-bench")
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.effective_port}"
        self.serializer = self.app.session_interface.get_signing_serializer(self.app)
        with Session(self.engine, expire_on_commit=False) as db:
            self.iro = StaffUser(email="iro@example.org", display_name="Jo Bench", role=Role.IRO, password_hash=hash_password("bench password 123"))
            db.add(self.iro)
            db.commit()
        self.count = 0

    def hand_over(self) -> tuple[int, str]:
        """A new child and visit, handed over; returns the statement id and the signed session cookie."""
        self.count += 1
        with Session(self.engine, expire_on_commit=False) as db:
            statement_id, state, _ = hand_over_tablet(db, iro=db.get(StaffUser, self.iro.id), reference=f"F-{self.count:04d}", name=f"Child {self.count}")
        return statement_id, self.serializer.dumps({CHILD_MODE_KEY: state})

    def stored(self, statement_id: int) -> list[tuple[str, tuple[str, ...], bool]]:
        """The statement's answers in the order they were first stored."""
        with Session(self.engine) as db:
            answers = db.exec(select(Answer).where(Answer.statement_id == statement_id).order_by(Answer.answered_at, Answer.id)).all()
            return [
                (a.question_id, tuple(sorted(db.exec(select(AnswerChoice.choice_id).where(AnswerChoice.answer_id == a.id)).all())), a.skipped)
                for a in answers
            ]

    def ended(self, statement_id: int) -> bool:
        with Session(self.engine) as db:
            return db.get(Statement, statement_id).ended_at is not None

    def close(self) -> None:
        stop_in_thread(self.server, self.thread)


def open_tablet(browser, world: World, latency_ms: int):
    statement_id, cookie = world.hand_over()
    # Reduced motion: no smooth scrolling under the finger, so a tap lands where the card is.
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True, locale="en-GB", reduced_motion="reduce")
    context.add_cookies([{"name": COOKIE, "value": cookie, "url": world.base}])
    context.add_init_script(PROBE)
    page = context.new_page()
    page.goto(f"{world.base}/child/statements/{statement_id}")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": latency_ms, "downloadThroughput": -1, "uploadThroughput": -1})
    return statement_id, context, page


def title(page) -> str:
    return page.locator("#question-title").inner_text()


def tap_card(locator) -> None:
    """A tap on a card once it is on screen and still (Playwright's real mouse events)."""
    locator.click(timeout=10000)


def tap(page, locator) -> None:
    """A finger where the element is on the screen (the page decides whether it takes the tap)."""
    locator.scroll_into_view_if_needed(timeout=2000)
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def target(page):
    """What the child taps on this step: the first picture card, else a number, else "I don't want to answer this"."""
    for selector in ("#step button.card[name=choice]", "#step button.scale__n", "#step button.tool[name=skip]"):
        found = page.locator(selector)
        if found.count():
            return found
    return None


def wait_for_new_title(page, before: str, timeout_s: float = 60) -> bool:
    """Wait for the next step, then as long as a new step ignores taps (so the next tap counts)."""
    for _ in range(int(timeout_s * 10)):
        try:
            if page.locator("#question-title").count() and title(page) != before:
                page.wait_for_timeout(600)
                return True
        except Exception:  # noqa: BLE001 - the step is being swapped
            pass
        page.wait_for_timeout(100)
    return False


def timings(browser, world: World, latency_ms: int, taps: int) -> tuple[list[float], list[float]]:
    _, context, page = open_tablet(browser, world, latency_ms)
    for _ in range(taps):
        cards = target(page)
        if cards is None:
            break
        before = title(page)
        tap_card(cards.first)
        if not wait_for_new_title(page, before):
            print(f"  (no next question after {before!r})")
            break
    results = page.evaluate("() => window.__taps")
    context.close()
    pressed = [t["pressed"] for t in results if t["pressed"] is not None]
    nexts = [t["next"] for t in results if t["next"] is not None]
    return pressed, nexts


def screen_answers(page) -> list[tuple[str, str]]:
    """The conversation as the child sees it: each answered question's id and the words of its bubble."""
    return page.evaluate(
        "() => [...document.querySelectorAll('li[id^=answer-]')].map(li => [li.id.slice(7), li.querySelector('.bubble--child').innerText])"
    )


def drop_run(browser, world: World, rng: random.Random) -> tuple[int, int]:
    """A whole conversation on a 400 ms link that drops at random; (answers right, answers stored)."""
    statement_id, context, page = open_tablet(browser, world, 400)
    for _ in range(40):
        cards = target(page)
        if cards is None:
            break
        before = title(page)
        roll = rng.random()
        if roll < 0.25:  # no signal when the child taps
            context.set_offline(True)
            tap_card(cards.first)
            page.wait_for_timeout(rng.randint(300, 2500))
            context.set_offline(False)
        elif roll < 0.45:  # the signal goes just after the tap: the answer may arrive, its response not
            tap_card(cards.first)
            page.wait_for_timeout(rng.randint(150, 500))
            context.set_offline(True)
            page.wait_for_timeout(rng.randint(300, 2000))
            context.set_offline(False)
        else:
            tap_card(cards.first)
        if cards.count() > 1 and rng.random() < 0.3:  # an impatient second tap on another card
            page.wait_for_timeout(rng.randint(100, 300))
            try:
                tap(page, cards.nth(1))
            except Exception:  # noqa: BLE001 - the step has already moved on
                pass
        if not wait_for_new_title(page, before):
            state = page.evaluate("() => [document.querySelector('#step') && document.querySelector('#step').getAttribute('aria-busy'), document.querySelector('#step') && document.querySelector('#step').inert, (document.querySelector('[data-net-note]') || {}).textContent, (document.querySelector('[data-save-note]') || {}).textContent, navigator.onLine]")
            print(f"  (no next question after {before!r}: {state})")
            break
    page.wait_for_timeout(2500)  # let anything still queued arrive
    shown = screen_answers(page)  # what the child saw (not reloaded: a reload would show what is stored)
    context.close()
    return matching(world, statement_id, shown)


def matching(world: World, statement_id: int, shown: list[tuple[str, str]]) -> tuple[int, int]:
    """(answers stored once, in order and as the screen shows them; answers stored or shown)."""
    stored = world.stored(statement_id)
    bank = default_bank()
    right = 0
    for n, (question_id, choices, skipped) in enumerate(stored):
        if n >= len(shown) or shown[n][0] != question_id:
            if VERBOSE:
                print(f"  (stored {question_id} at {n}; the screen has {shown[n][0] if n < len(shown) else None})")
            continue  # out of order against the screen
        words = shown[n][1]
        question = bank.get(question_id)
        if skipped:
            ok = "didn't want to answer" in words
        else:
            with world.app.test_request_context():  # the card's words as the child sees them (service terms filled in)
                labels = [choice_view(question, c)[0] for c in choices]
            ok = bool(labels) and all(label in words for label in labels)
        right += ok
        if not ok and VERBOSE:
            print(f"  (stored {question_id} {choices} skipped={skipped}; screen says {words!r})")
    # Anything on the screen that was never stored counts against, too.
    return right, max(len(stored), len(shown))


def wait_for(page, script: str, seconds: float) -> bool:
    """Poll a page condition (bounded: never hangs the run)."""
    for _ in range(int(seconds * 10)):
        try:
            if page.evaluate(script):
                return True
        except Exception:  # noqa: BLE001 - the page is being replaced
            pass
        page.wait_for_timeout(100)
    return False


def offline_run(browser, world: World) -> tuple[int, int, int, bool]:
    """A whole conversation with no network after the first screen, a reload half way, then online again.

    Returns (answers right, answers stored or shown, questions the child reached offline, whether the
    child reached the thank-you offline).
    """
    statement_id, context, page = open_tablet(browser, world, 0)
    wait_for(page, "() => document.body.dataset.offlineReady === 'true'", 30)
    wait_for(page, "() => document.body.dataset.offlinePack === 'ready'", 30)  # never, before the offline pack existed
    context.set_offline(True)
    reached = 0
    reloaded = False
    for _ in range(60):
        cards = target(page)
        if cards is None:
            break
        before = title(page)
        tap_card(cards.first)
        if not wait_for_new_title(page, before, timeout_s=5):
            break  # the next question never came without a network
        reached += 1
        if reached == 8 and not reloaded:
            reloaded = True
            page.reload()
            if not wait_for(page, "() => !!document.querySelector('#step[data-question]')", 10):
                break  # the kind offline page, not the conversation
    thanked = False
    sharing = page.locator("#step button.card[name=sharing]")
    if sharing.count():
        sharing.first.click()
        thanked = wait_for(page, "() => (document.querySelector('#step') || {}).dataset?.kind === 'done'", 5)
    shown = screen_answers(page)
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    for _ in range(600):  # up to a minute for the waiting answers to arrive
        if len(world.stored(statement_id)) >= len(shown) and (not thanked or world.ended(statement_id)):
            break
        page.wait_for_timeout(100)
    context.close()
    right, total = matching(world, statement_id, shown)
    return right, total, reached, thanked


def summary(values: list[float]) -> str:
    if not values:
        return "n/a"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):7.0f} ms   p95 {p95:7.0f} ms   (n={len(ordered)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=8, help="taps timed per link")
    parser.add_argument("--drop-runs", type=int, default=2, help="whole conversations on a dropping link")
    parser.add_argument("--offline-runs", type=int, default=2, help="whole conversations with no network after the first screen")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--verbose", action="store_true", help="say which answers did not match")
    parser.add_argument("--app-root", default=str(ROOT), help="the checkout to measure (default: this one)")
    args = parser.parse_args()
    use_fast_hashing_for_tests()
    world = World()
    print(f"app: {_app_root()}")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            for latency in (400, 1500):
                pressed, nexts = timings(browser, world, latency, args.taps)
                print(f"{latency:5d} ms link   tap to pressed:        {summary(pressed)}")
                print(f"{latency:5d} ms link   tap to next question:  {summary(nexts)}")
            rng = random.Random(args.seed)
            right = total = 0
            for _ in range(args.drop_runs):
                r, t = drop_run(browser, world, rng)
                right, total = right + r, total + t
            share = 100 * right / total if total else 0
            print(f"dropping 400 ms link   stored once, in order, matching the screen: {right}/{total} = {share:.1f}%")
            right = total = 0
            for _ in range(args.offline_runs):
                r, t, reached, thanked = offline_run(browser, world)
                right, total = right + r, total + t
                print(f"no network at all       questions reached offline: {reached}, thank-you reached: {'yes' if thanked else 'no'}")
            share = 100 * right / total if total else 0
            print(f"no network at all       stored once, in order, matching the screen: {right}/{total} = {share:.1f}%")
            browser.close()
    finally:
        world.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
