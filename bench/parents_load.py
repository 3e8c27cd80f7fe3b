"""Load test: 200 parents fill in the conference questionnaire at once on SQLite; nothing lost, no errors.

Makes a fresh SQLite database with 100 review conferences, each with a feedback link taking 2
answers, serves the app under Waitress on loopback (rate limits off), and starts 200 threads at the
same moment, each a parent with its own cookie jar answering every question through plain forms
(urllib, no JavaScript). Prints the time taken and each request's median and 95th percentile.

    /work/venv/bin/python bench/parents_load.py [--parents 200] [--threads 8]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import logging
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func  # noqa: E402
from sqlmodel import Session, select  # noqa: E402
from waitress.server import create_server  # noqa: E402

from voice_app import create_app  # noqa: E402
from voice_app.config import Settings  # noqa: E402
from voice_app.db import make_engine  # noqa: E402
from voice_app.migrate import upgrade  # noqa: E402
from voice_app.models import (  # noqa: E402
    Child,
    FeedbackLink,
    ParentDraft,
    ParentResponse,
    Review,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    Role,
    StaffUser,
    utcnow,
)
from voice_app.parents.links import new_token  # noqa: E402
from voice_app.serving import stop_in_thread  # noqa: E402

CONFERENCES = 100
SCALE = ["strongly_agree", "agree", "disagree", "strongly_disagree"]
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def seed(url: str) -> list[str]:
    """100 review conferences held today, each with an open link for 2 answers; returns the tokens."""
    from datetime import timedelta

    engine = make_engine(url)
    tokens = []
    with Session(engine) as db:
        chair = StaffUser(email="chair@example.org", display_name="Bench Chair", role=Role.IRO, password_hash="x")
        db.add(chair)
        db.flush()
        for n in range(CONFERENCES):
            child = Child(preferred_name=f"Child {n}", case_reference=f"BENCH-{n:04d}", iro_id=chair.id, on_cp_plan=True)
            db.add(child)
            db.flush()
            review = Review(
                child_id=child.id,
                kind=ReviewKind.CP_CONFERENCE,
                stage=ReviewStage.REVIEW_CONFERENCE,
                scheduled_for=date.today(),
                held_on=date.today(),
                status=ReviewStatus.HELD,
                chair_id=chair.id,
            )
            db.add(review)
            db.flush()
            token = new_token()
            db.add(FeedbackLink(review_id=review.id, token=token, created_by_id=chair.id, expires_at=utcnow() + timedelta(days=28), max_responses=2))
            tokens.append(token)
        db.commit()
    engine.dispose()
    return tokens


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # each hop is timed as its own request


class ParentRun:
    """One parent's phone: a cookie jar, and the timing of every request it makes."""

    def __init__(self, base: str, token: str, number: int) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())
        self.base = f"{base}/p/{token}"
        self.number = number
        self.timings: list[float] = []
        self.failures: list[str] = []
        self.csrf = ""

    def _request(self, path: str, data: dict | None = None, expect: int = 200) -> str:
        body = urllib.parse.urlencode({"csrf_token": self.csrf, **data}).encode() if data is not None else None
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        except OSError as error:
            status, text = 0, str(error)
        self.timings.append(time.perf_counter() - started)
        if status != expect:
            self.failures.append(f"{'POST' if data is not None else 'GET'} {path}: {status}")
        match = _CSRF.search(text)
        if match:
            self.csrf = match.group(1)
        return text

    def run(self, barrier: threading.Barrier) -> None:
        barrier.wait()
        self._request("")
        self._request("/start", {}, expect=302)
        for number in range(1, 6):
            self._request(f"/q{number}")
            self._request(f"/q{number}", {"answer": SCALE[(number + self.number) % 4]}, expect=302)
        self._request("/comment")
        self._request("/comment", {"comment": f"Parent {self.number}: the chair was clear."}, expect=302)
        self._request("/name")
        self._request("/name", {"name": ""}, expect=302)
        self._request("/check")
        self._request("/send", {}, expect=302)
        self._request("/thanks")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parents", type=int, default=200)
    parser.add_argument("--threads", type=int, default=8, help="Waitress worker threads")
    args = parser.parse_args(argv)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # a deep queue is the point of the test
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        tokens = seed(url)
        settings = Settings(env="development", database_url=url, rate_limits_enabled=False, secure_cookies=False)
        app = create_app(settings=settings)
        server = create_server(app, host="127.0.0.1", port=0, threads=args.threads, connection_limit=1000, backlog=2048, ident="bench")
        serving = threading.Thread(target=server.run, daemon=True)
        serving.start()
        base = f"http://127.0.0.1:{server.effective_port}"
        parents = [ParentRun(base, tokens[n % CONFERENCES], n) for n in range(args.parents)]
        barrier = threading.Barrier(len(parents) + 1)
        workers = [threading.Thread(target=parent.run, args=(barrier,)) for parent in parents]
        for worker in workers:
            worker.start()
        barrier.wait()
        started = time.perf_counter()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - started
        stop_in_thread(server, serving)
        with Session(app.extensions["voice_app_engine"]) as db:
            stored = db.exec(select(func.count()).select_from(ParentResponse)).one()
            drafts = db.exec(select(func.count()).select_from(ParentDraft)).one()
            per_link = db.exec(select(ParentResponse.link_id, func.count()).group_by(ParentResponse.link_id)).all()
        app.extensions["voice_app_engine"].dispose()

    timings = sorted(t for parent in parents for t in parent.timings)
    failures = [f for parent in parents for f in parent.failures]
    expected = min(args.parents, 2 * CONFERENCES)
    print(f"parents: {args.parents} at once, {CONFERENCES} conferences x 2 answers, SQLite, Waitress threads: {args.threads}")
    print(f"time taken: {elapsed:.2f} s for {len(timings)} requests ({len(timings) / elapsed:.0f} requests/s)")
    print(f"per request: median {statistics.median(timings) * 1000:.0f} ms, p95 {timings[int(0.95 * (len(timings) - 1))] * 1000:.0f} ms, max {timings[-1] * 1000:.0f} ms")
    print(f"responses stored: {stored} (expected {expected}); drafts left: {drafts}; links over their maximum: {sum(1 for _l, n in per_link if n > 2)}")
    print(f"failed requests: {len(failures)}")
    for failure in failures[:10]:
        print("  ", failure)
    ok = stored == expected and not failures and drafts == 0
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
