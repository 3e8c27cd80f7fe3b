"""What the "heard equally" splits add to the live report: their three grouped queries beside the whole report.

    .venv/bin/python bench/equality_speed.py [--sqlite FILE] [--postgres URL] [--year 2024] [--runs 5]

Make the data first with bench/report_data.py (it records no equality details and no escalations, so this
script gives its children details first, spread over every code by their id: the database is changed).
Each run counts live on one pooled connection (warm), as bench/report_speed.py's warm runs do. Prints the
median, fastest and slowest of the whole report and of the equality figures alone, the equality figures'
number of queries, and the load average (the figures mean little on a busy machine).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import event  # noqa: E402

from voice_app.db import make_engine  # noqa: E402
from voice_app.models.equality import DISABILITY, ETHNICITY, GENDER  # noqa: E402
from voice_app.reports.equality import equality_figures  # noqa: E402
from voice_app.reports.period import financial_year  # noqa: E402
from voice_app.reports.report import build_report  # noqa: E402

DEFAULT_SQLITE = Path(__file__).resolve().parent.parent / "instance" / "bench-report.db"


def give_details(engine) -> None:
    """Spread every code over the children by id (a fifth of them left "not recorded"), once."""
    with engine.begin() as connection:
        if connection.execute(sa.text("SELECT count(*) FROM child WHERE ethnicity <> ''")).scalar_one():
            return
        for column, codes in (("disability", list(DISABILITY)), ("ethnicity", list(ETHNICITY)), ("gender", list(GENDER))):
            cases = " ".join(f"WHEN {n} THEN '{code}'" for n, code in enumerate(codes))
            connection.execute(sa.text(f"UPDATE child SET {column} = CASE (id % {len(codes) + 1}) {cases} ELSE '' END"))


def _median(seconds: list[float]) -> str:
    return f"median {statistics.median(seconds) * 1000:.0f} ms (fastest {min(seconds) * 1000:.0f}, slowest {max(seconds) * 1000:.0f})"


def measure(url: str, *, year: int, runs: int) -> None:
    engine = make_engine(url)
    give_details(engine)
    period = financial_year(year)
    whole, alone, queries = [], [], []
    seen: list[str] = []
    listener = lambda _conn, _cursor, statement, *rest: seen.append(statement)  # noqa: E731
    with engine.connect() as connection:
        build_report(connection, period)  # warm the caches once
        connection.rollback()
        for _ in range(runs):
            began = time.perf_counter()
            build_report(connection, period)
            whole.append(time.perf_counter() - began)
            connection.rollback()
            seen.clear()
            event.listen(engine, "before_cursor_execute", listener)
            began = time.perf_counter()
            equality_figures(connection, period=period, previous=period.previous())
            alone.append(time.perf_counter() - began)
            event.remove(engine, "before_cursor_execute", listener)
            queries.append(len(seen))
            connection.rollback()
    name = sa.engine.make_url(url).get_backend_name()
    print(f"{name}, financial year {year}, {runs} warm runs:")
    print(f"  the whole report:          {_median(whole)}")
    print(f"  the heard-equally figures: {_median(alone)}, {max(queries)} queries")
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", default=str(DEFAULT_SQLITE), help="SQLite file made by report_data.py; '' to skip")
    parser.add_argument("--postgres", default=os.environ.get("VOICE_APP_BENCH_POSTGRES_URL", ""), help="PostgreSQL URL filled by report_data.py")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    urls = ([f"sqlite:///{args.sqlite}"] if args.sqlite else []) + ([args.postgres] if args.postgres else [])
    for url in urls:
        measure(url, year=args.year, runs=args.runs)
    print(f"load average: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
