"""How long the whole report for one financial year takes, on SQLite and on PostgreSQL.

    /work/venv/bin/python bench/report_speed.py [--sqlite FILE] [--postgres URL] [--year 2024] [--runs 7]

Make the data first with bench/report_data.py. Each run builds every figure for the year and the
year before (all "you said, we did" answers included) and writes the JSON document; the page itself
shows only the newest answers, so it does a little less. Four situations:

- cold: nothing kept (report_month emptied), so every answer of both years is counted: the first
  report ever on a database nobody ran `voice-app report --prepare` on;
- whole report / the page: months that have ended come from report_month, as they do for a service
  once any report has counted them (the figure the target is about);
- one month changed: as above, but one month of the year was marked stale by a change (an IRO
  edited an old statement), so that month is counted again;
- the page over HTTP: a signed-in manager's GET of the report page through the whole app (sign-in
  check, the report, every chart drawn, the template), months kept;
- prepare: `voice-app report --prepare`, counting and keeping every month of the ten years.

Prints the median, fastest and slowest run, and how many SQL queries one report takes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402

from voice_app.db import make_engine  # noqa: E402
from voice_app.reports.export import to_json  # noqa: E402
from voice_app.reports.period import financial_year  # noqa: E402
from voice_app.reports.report import PAGE_QUOTES, REPORT_QUOTES, build_report  # noqa: E402
from voice_app.reports.rollup import forget, month_t, prepare  # noqa: E402

DEFAULT_SQLITE = Path(__file__).resolve().parent.parent / "instance" / "bench-report.db"


def _timed(engine, period, *, quote_limit=REPORT_QUOTES, forget_first=False, stale_month=None) -> tuple[float, int]:
    """One report (and its JSON) on a fresh connection: seconds taken and SQL queries run."""
    queries = []
    count = lambda *args: queries.append(1)  # noqa: E731
    with engine.connect() as connection:
        if forget_first:
            forget(connection)
            connection.commit()
        if stale_month:
            # As staleness.bump does when a change is saved in that month.
            connection.execute(month_t.update().where(month_t.c.month == stale_month).values(generation=month_t.c.generation + 1, counts=None))
            connection.commit()
        event.listen(engine, "before_cursor_execute", count)
        began = time.perf_counter()
        to_json(build_report(connection, period, quote_limit=quote_limit))
        seconds = time.perf_counter() - began
        event.remove(engine, "before_cursor_execute", count)
    return seconds, len(queries)


BENCH_MANAGER = "bench-manager@example.org"
BENCH_PASSWORD = "bench-manager-password"


def _page_times(url: str, *, year: int, runs: int) -> list[float]:
    """Seconds for a signed-in manager's GET /reports/?period=fy-YEAR, through the whole app."""
    import re

    from sqlmodel import Session, select

    from voice_app import create_app
    from voice_app.admin.services import create_staff_user
    from voice_app.config import Settings
    from voice_app.models import Role, StaffUser

    settings = Settings.from_env({"VOICE_APP_DATABASE_URL": url})
    app = create_app(settings=settings)
    with Session(app.extensions["voice_app_engine"]) as db:
        if db.exec(select(StaffUser).where(StaffUser.email == BENCH_MANAGER)).first() is None:
            create_staff_user(db, email=BENCH_MANAGER, display_name="Bench Manager", role=Role.MANAGER, password=BENCH_PASSWORD)
            db.commit()
    client = app.test_client()
    token = re.search(rb'name="csrf-token" content="([^"]+)"', client.get("/sign-in").data).group(1).decode()
    signed = client.post("/sign-in", data={"email": BENCH_MANAGER, "password": BENCH_PASSWORD, "csrf_token": token})
    assert signed.status_code == 302, "the bench manager could not sign in"
    times = []
    for _ in range(runs + 1):
        began = time.perf_counter()
        response = client.get(f"/reports/?period=fy-{year}")
        times.append(time.perf_counter() - began)
        assert response.status_code == 200, response.status_code
    app.extensions["voice_app_engine"].dispose()
    return times[1:]  # the first warms the templates


def _line(name: str, label: str, values: list[float], queries: int) -> None:
    ms = sorted(1000 * value for value in values)
    counted = f", {queries} queries each" if queries else ""
    print(f"{name:10} {label:34} median {statistics.median(ms):6.0f} ms   fastest {ms[0]:6.0f}   slowest {ms[-1]:6.0f}   {len(ms)} runs{counted}")


def measure(url: str, *, year: int, runs: int) -> None:
    """Time the report with nothing kept (cold) and with closed months kept (as a service runs it)."""
    engine = make_engine(url)
    name = engine.dialect.name
    period = financial_year(year)
    _timed(engine, period)  # warm the pool, the question bank and the database's own caches
    cold = [_timed(engine, period, forget_first=True) for _ in range(max(3, runs // 2))]
    _line(name, "cold: every month counted afresh", [s for s, _ in cold], cold[-1][1])
    _timed(engine, period)
    warm = [_timed(engine, period) for _ in range(runs)]
    _line(name, "whole report + JSON", [s for s, _ in warm], warm[-1][1])
    page = [_timed(engine, period, quote_limit=PAGE_QUOTES) for _ in range(runs)]
    _line(name, "the page (newest 50 answers)", [s for s, _ in page], page[-1][1])
    changed = [_timed(engine, period, stale_month=date(year, 11, 1)) for _ in range(runs)]
    _line(name, "one month changed (counted again)", [s for s, _ in changed], changed[-1][1])
    whole_page = _page_times(url, year=year, runs=runs)
    _line(name, "the page over HTTP, signed in", whole_page, 0)
    with engine.connect() as connection:
        forget(connection)
        connection.commit()
        began = time.perf_counter()
        months = prepare(connection)
        print(f"{name:10} {'prepare: every month of ten years':34} {time.perf_counter() - began:6.1f} s for {months} months")
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", default=str(DEFAULT_SQLITE), help="SQLite file made by report_data.py; '' to skip")
    parser.add_argument("--postgres", default=os.environ.get("VOICE_APP_BENCH_POSTGRES_URL", ""), help="PostgreSQL URL; '' to skip")
    parser.add_argument("--year", type=int, default=2024, help="financial year to report (2024 = April 2024 to March 2025)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    print(f"The whole report for {financial_year(args.year).label}, beside the year before it:")
    if args.sqlite:
        if not Path(args.sqlite).is_file():
            parser.error(f"{args.sqlite} does not exist: run bench/report_data.py first")
        measure(f"sqlite:///{args.sqlite}", year=args.year, runs=args.runs)
    if args.postgres:
        measure(args.postgres, year=args.year, runs=args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
