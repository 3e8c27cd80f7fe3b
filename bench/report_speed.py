"""How long the whole report for one financial year takes, on SQLite and on PostgreSQL.

    /work/venv/bin/python bench/report_speed.py [--sqlite FILE] [--postgres URL] [--year 2024] [--runs 7]

Make the data first with bench/report_data.py. Each run builds every figure for the year and the
year before (all "you said, we did" answers included) and writes the JSON document; the page itself
shows only the newest answers, so it does a little less. Prints the median, fastest and slowest run,
and how many SQL queries one report takes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402

from voice_app.db import make_engine  # noqa: E402
from voice_app.reports.export import to_json  # noqa: E402
from voice_app.reports.period import financial_year  # noqa: E402
from voice_app.reports.report import PAGE_QUOTES, build_report  # noqa: E402

DEFAULT_SQLITE = Path(__file__).resolve().parent.parent / "instance" / "bench-report.db"


def measure(url: str, *, year: int, runs: int) -> None:
    """Time `runs` reports after one warm-up run; print the figures."""
    engine = make_engine(url)
    queries = []
    event.listen(engine, "before_cursor_execute", lambda *args: queries.append(1))
    period = financial_year(year)
    timings: dict[str, list[float]] = {"whole report + JSON": [], "the page's report": []}
    with engine.connect() as connection:
        build_report(connection, period)  # warm-up: caches, pool, the question bank
        queries.clear()
        build_report(connection, period)
        per_report = len(queries)
        for _ in range(runs):
            began = time.perf_counter()
            to_json(build_report(connection, period))
            timings["whole report + JSON"].append(time.perf_counter() - began)
            began = time.perf_counter()
            build_report(connection, period, quote_limit=PAGE_QUOTES)
            timings["the page's report"].append(time.perf_counter() - began)
    engine.dispose()
    name = engine.dialect.name
    for label, values in timings.items():
        ms = sorted(1000 * value for value in values)
        print(f"{name:10} {label:22} median {statistics.median(ms):6.0f} ms   fastest {ms[0]:6.0f} ms   slowest {ms[-1]:6.0f} ms   ({runs} runs)")
    print(f"{name:10} {per_report} SQL queries per report")


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
