"""`voice-app report --from YYYY-MM-DD --to YYYY-MM-DD --format json|csv [--out FILE]`: the report, counted live."""

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


def register(commands) -> None:
    """Add the `report` sub-command to the voice-app command's sub-parsers."""
    report = commands.add_parser("report", help="the service's figures for a period, as JSON or CSV")
    report.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first day of the period")
    report.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last day of the period")
    report.add_argument("--format", choices=["json", "csv"], default="json")
    report.add_argument("--out", help="file to write (default: standard output)")
    report.add_argument("--database-url", help="overrides VOICE_APP_DATABASE_URL")
    report.set_defaults(handler=cmd_report)
