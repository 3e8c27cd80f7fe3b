"""`voice-app report --from YYYY-MM-DD --to YYYY-MM-DD --format json|csv [--out FILE]` (and `--prepare`, `--forget`)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from voice_app.config import Settings


def cmd_report(args: argparse.Namespace) -> int:
    """Write the whole report for the dates as JSON or CSV, to a file or standard output."""
    from voice_app.db import make_engine
    from voice_app.reports.export import to_csv, to_json
    from voice_app.reports.period import PeriodError, parse_dates
    from voice_app.reports.report import build_report

    settings = Settings.from_env()
    if args.database_url:
        settings.database_url = args.database_url
    settings.check()
    if args.forget:
        return _forget(settings.database_url)
    if args.prepare:
        return _prepare(settings.database_url)
    try:
        period = parse_dates(args.date_from or "", args.date_to or "", today=date.today())
    except PeriodError as exc:
        print(f"voice-app report: {exc}", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            report = build_report(connection, period)
    finally:
        engine.dispose()
    body = to_json(report) if args.format == "json" else to_csv(report)
    if args.out:
        Path(args.out).write_text(body, encoding="utf-8", newline="")
        print(f"Wrote the report for {period.label} to {args.out}.", file=sys.stderr)
    else:
        sys.stdout.write(body)
    return 0


def _forget(database_url: str) -> int:
    """Drop the months the report keeps, after changes made to statements without the app."""
    from voice_app.reports.rollup import forget

    dropped = _on_connection(database_url, forget)
    print(f"Forgot {dropped} kept month(s); the next report counts them again.", file=sys.stderr)
    return 0


def _prepare(database_url: str) -> int:
    print(f"Every month that has ended is counted and kept: {prepare_months(database_url)} month(s).", file=sys.stderr)
    return 0


def prepare_months(database_url: str) -> int:
    """Count and keep every month that has ended, so the first report of any period is as quick as the rest."""
    from voice_app.reports.rollup import prepare

    return _on_connection(database_url, prepare)


def _on_connection(database_url: str, work):
    """Run work(connection) on a connection of its own and commit what it did."""
    from voice_app.db import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            result = work(connection)
            connection.commit()
            return result
    finally:
        engine.dispose()


def register(commands) -> None:
    """Add the `report` sub-command to the voice-app command's sub-parsers."""
    report = commands.add_parser("report", help="the service's figures for a period, as JSON or CSV")
    report.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first day of the period")
    report.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last day of the period")
    report.add_argument("--format", choices=["json", "csv"], default="json")
    report.add_argument("--out", help="file to write (default: standard output)")
    report.add_argument("--database-url", help="overrides VOICE_APP_DATABASE_URL")
    report.add_argument("--prepare", action="store_true", help="count and keep every month that has ended (after installing, upgrading or --forget)")
    report.add_argument("--forget", action="store_true", help="drop the counts kept per month (after bulk changes made outside the app)")
    report.set_defaults(handler=cmd_report)
