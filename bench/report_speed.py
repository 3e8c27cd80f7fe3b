"""How long the whole report takes, counted live, on SQLite and on PostgreSQL, beside the targets.

    .venv/bin/python bench/report_speed.py [--sqlite FILE] [--postgres URL | --start-postgres] [--year 2024] [--runs 5]

Make the data first with bench/report_data.py (200,000 statements over ten years). The PostgreSQL URL
comes from --postgres, else VOICE_APP_BENCH_POSTGRES_URL, else VOICE_APP_TEST_POSTGRES_URL; or
--start-postgres starts a throwaway PostgreSQL (as scripts/test does) and fills it with report_data.py
first (several minutes). Each run builds every figure for the period and the one before it (all
"you said, we did" answers included) and writes the JSON document. Nothing is kept between reports:

- cold: a new engine for every run (a new connection: SQLite's page cache empty, a new PostgreSQL
  backend), as the first report after the app starts;
- warm: runs on the same pooled connection, as a manager looking at one period after another;
- the page over HTTP: a signed-in manager's GET of the report page through the whole app (sign-in
  check, the report, every chart drawn, the template);
- ten years: the longest period the report allows.

Prints the median, fastest and slowest run, how many SQL queries one report takes, the target, and
the machine's load average (the figures mean little on a busy machine: say the load with them).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402

from voice_app.db import make_engine  # noqa: E402
from voice_app.reports.export import to_json  # noqa: E402
from voice_app.reports.period import Period, financial_year  # noqa: E402
from voice_app.reports.report import REPORT_QUOTES, build_report  # noqa: E402

DEFAULT_SQLITE = Path(__file__).resolve().parent.parent / "instance" / "bench-report.db"
CPU_SECONDS: list[float] = []
PAGE_BYTES: list[int] = []
# Milliseconds, on either database (issue 30): a year's report beside the year before, cold; ten years, cold; the
# page over HTTP. Wall-clock times on a machine shared with others are several times the CPU: read both.
TARGETS = {"year": 500, "ten years": 2000, "page": 600}


def _timed(engine, period, *, quote_limit=REPORT_QUOTES) -> tuple[float, int]:
    """One report (and its JSON) on a connection from this engine: seconds taken and SQL queries run.

    Also adds this process's CPU seconds to CPU_SECONDS: with SQLite, which runs inside the process, that
    is the report's whole cost and says more than the wall clock on a machine shared with others.
    """
    queries = []
    count = lambda *args: queries.append(1)  # noqa: E731
    with engine.connect() as connection:
        event.listen(engine, "before_cursor_execute", count)
        began, cpu = time.perf_counter(), time.process_time()
        to_json(build_report(connection, period, quote_limit=quote_limit))
        seconds = time.perf_counter() - began
        CPU_SECONDS.append(time.process_time() - cpu)
        event.remove(engine, "before_cursor_execute", count)
    return seconds, len(queries)


def _cold(url: str, period: Period) -> tuple[float, int]:
    engine = make_engine(url)
    try:
        return _timed(engine, period)
    finally:
        engine.dispose()


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
        began, cpu = time.perf_counter(), time.process_time()
        response = client.get(f"/reports/?period=fy-{year}")
        times.append(time.perf_counter() - began)
        CPU_SECONDS.append(time.process_time() - cpu)
        assert response.status_code == 200, response.status_code
    app.extensions["voice_app_engine"].dispose()
    del CPU_SECONDS[-runs - 1]  # the first warms the templates
    PAGE_BYTES.append(len(response.data))
    return times[1:]


def _line(name: str, label: str, values: list[float], queries: int, target: int) -> None:
    ms = sorted(1000 * value for value in values)
    counted = f", {queries} queries" if queries else ""
    # The runs just timed, by CPU (this process: Python and, for SQLite, the database too; PostgreSQL's own is not in it).
    counted += f", CPU {1000 * statistics.median(CPU_SECONDS[-len(values) :]):.0f} ms"
    verdict = "within" if statistics.median(ms) <= target else "OVER"
    print(
        f"{name:10} {label:30} median {statistics.median(ms):6.0f} ms   fastest {ms[0]:6.0f}   slowest {ms[-1]:6.0f}"
        f"   target {target:5} ms ({verdict})   {len(ms)} runs{counted}"
    )


def measure(url: str, *, year: int, runs: int) -> None:
    """Time the year's report cold and warm, ten years cold, and the page over HTTP."""
    period = financial_year(year)
    ten_years = Period(date(year - 8, 4, 1), date(year + 2, 3, 31))
    engine = make_engine(url)
    name = engine.dialect.name
    _timed(engine, period)  # the question bank, the templates, and the database's own caches of the files
    cold = [_cold(url, period) for _ in range(runs)]
    _line(name, "year, cold (new connection)", [s for s, _ in cold], cold[-1][1], TARGETS["year"])
    warm = [_timed(engine, period) for _ in range(runs)]
    _line(name, "year, warm (same connection)", [s for s, _ in warm], warm[-1][1], TARGETS["year"])
    decade = [_cold(url, ten_years) for _ in range(max(3, runs // 2))]
    _line(name, "ten years, cold", [s for s, _ in decade], decade[-1][1], TARGETS["ten years"])
    engine.dispose()
    _line(name, "the page over HTTP, signed in", _page_times(url, year=year, runs=runs), 0, TARGETS["page"])
    print(f"{'':10} {'':30} the page is {PAGE_BYTES[-1] / 1000:.0f} kB of HTML")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_postgres() -> tuple[str, callable]:
    """A throwaway PostgreSQL on a free loopback port (as scripts/test starts one); returns its URL and a stop function."""
    pg_ctl = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
    folder = Path(tempfile.mkdtemp(prefix="voice-app-bench-pg."))
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    port = _free_port()
    run = lambda *args: subprocess.run([*as_pg, *map(str, args)], check=True, stdout=subprocess.DEVNULL)  # noqa: E731
    run(pg_ctl.parent / "initdb", "-D", folder / "data", "-U", "voice", "-A", "trust", "-E", "UTF8", "--no-locale")
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off -c shared_buffers=256MB"
    )
    run(pg_ctl, "-D", folder / "data", "-l", folder / "log", "-w", "-o", options, "start")
    run(pg_ctl.parent / "createdb", "-h", "127.0.0.1", "-p", port, "-U", "voice", "voice_bench")

    def stop() -> None:
        subprocess.run(
            [*as_pg, str(pg_ctl), "-D", str(folder / "data"), "-m", "immediate", "stop"], stdout=subprocess.DEVNULL, check=False
        )
        shutil.rmtree(folder, ignore_errors=True)

    return f"postgresql+psycopg://voice@127.0.0.1:{port}/voice_bench", stop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", default=str(DEFAULT_SQLITE), help="SQLite file made by report_data.py; '' to skip")
    default_pg = os.environ.get("VOICE_APP_BENCH_POSTGRES_URL") or os.environ.get("VOICE_APP_TEST_POSTGRES_URL", "")
    parser.add_argument("--postgres", default=default_pg, help="PostgreSQL URL filled by report_data.py; '' to skip")
    parser.add_argument("--start-postgres", action="store_true", help="start a throwaway PostgreSQL and fill it first")
    parser.add_argument("--year", type=int, default=2024, help="financial year to report (2024 = April 2024 to March 2025)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(
        f"The whole report for {financial_year(args.year).label}, beside the year before it; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores:"
    )
    if args.sqlite:
        if not Path(args.sqlite).is_file():
            parser.error(f"{args.sqlite} does not exist: run bench/report_data.py first")
        measure(f"sqlite:///{args.sqlite}", year=args.year, runs=args.runs)
    stop = None
    if args.start_postgres:
        from bench.report_data import fill

        args.postgres, stop = start_postgres()
        seconds, _counts = fill(args.postgres, 1.0, 2016)
        print(f"(a throwaway PostgreSQL filled in {seconds:.0f} s)")
    try:
        if args.postgres:
            measure(args.postgres, year=args.year, runs=args.runs)
    finally:
        if stop:
            stop()
    print(f"load average afterwards {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
