"""`voice-app export`: a statement (or all of a child's) as PDF or JSON, for the case record or the meeting."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from sqlmodel import col, select


def register_export(commands, add_db_url: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the export sub-command to the voice-app parser."""
    export = commands.add_parser("export", help="export a child's statement as PDF or JSON")
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--statement", type=int, metavar="ID", help="one statement, by id")
    which.add_argument("--child", metavar="REF", help="every statement of the child with this case-record reference")
    export.add_argument("--format", choices=["pdf", "json"], required=True)
    export.add_argument("--out", required=True, help="file to write (--statement), or a folder (--child)")
    export.add_argument("--for-meeting", action="store_true", help="the copy for the review meeting: no IRO notes, no kept-out topics; refused for statements the child did not share unless the IRO released them")
    add_db_url(export)
    export.set_defaults(handler=cmd_export)


def _write(record, *, kind: str, audience, path: Path) -> None:
    from voice_app.statements.exports import statement_json
    from voice_app.statements.pdf import render_statement_pdf

    if kind == "pdf":
        path.write_bytes(render_statement_pdf(record, audience=audience))
    else:
        path.write_text(statement_json(record, audience=audience), encoding="utf-8")


def cmd_export(args: argparse.Namespace) -> int:
    """Write the exports and record each one in the audit trail (as the command line, not a person)."""
    from voice_app.config import Settings
    from voice_app.db import make_engine, standalone_session
    from voice_app.models import Child, Statement
    from voice_app.statements.access import load_context
    from voice_app.statements.audit import Action, record_event
    from voice_app.statements.exports import Audience, ExportRefused, export_filename
    from voice_app.statements.pdf import PdfUnavailable
    from voice_app.statements.reading import read_statement

    settings = Settings.for_command(getattr(args, "database_url", None))
    audience = Audience.MEETING if args.for_meeting else Audience.CASE_RECORD
    out = Path(args.out)
    engine = make_engine(settings.database_url)
    written, refused = 0, 0
    try:
        with standalone_session(engine) as db:
            if args.statement is not None:
                ids = [args.statement]
            else:
                child = db.exec(select(Child).where(Child.case_reference == args.child)).first()
                if child is None:
                    print(f"No child has the case-record reference {args.child!r}.", file=sys.stderr)
                    return 2
                ids = list(db.exec(select(Statement.id).where(Statement.child_id == child.id).order_by(col(Statement.started_at))).all())
                out.mkdir(parents=True, exist_ok=True)
            for statement_id in ids:
                context = load_context(db, statement_id)
                if context is None:
                    print(f"There is no statement {statement_id}.", file=sys.stderr)
                    return 2
                record = read_statement(db, context)
                path = out / export_filename(record, audience=audience, extension=args.format) if args.child else out
                try:
                    _write(record, kind=args.format, audience=audience, path=path)
                except ExportRefused as exc:
                    print(f"Statement {statement_id}: {exc}", file=sys.stderr)
                    refused += 1
                    continue
                except PdfUnavailable as exc:
                    print(str(exc), file=sys.stderr)
                    return 2
                record_event(db, action=Action.EXPORT, staff=None, child_id=context.child.id, statement_id=statement_id, detail=f"{args.format};{audience.value};cli")
                print(f"Wrote {path}")
                written += 1
    finally:
        engine.dispose()
    if args.child is not None:
        print(f"{written} statement(s) exported" + (f", {refused} not shared with the meeting" if refused else "") + ".")
    return 0 if refused == 0 else 3
