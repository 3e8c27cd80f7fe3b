"""`voice-app backup`, `voice-app restore`, `voice-app keys` and `voice-app retention`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from voice_app.config import Settings


def cmd_backup(args: argparse.Namespace) -> int:
    """Copy the running database to a new file."""
    from voice_app.records.backup import BackupError, backup

    settings = Settings.for_command(getattr(args, "database_url", None))
    try:
        result = backup(settings.database_url, Path(args.file))
    except BackupError as exc:
        print(f"voice-app backup: {exc}", file=sys.stderr)
        return 2
    print(f"Backed up to {result.path} ({result.size_bytes:,} bytes, schema revision {result.revision or 'none'}).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Put a backup in place of the database, if its schema revision is one this code knows."""
    from voice_app.migrate import head_revision, known_revisions
    from voice_app.records.backup import BackupError, restore

    settings = Settings.for_command(getattr(args, "database_url", None))
    try:
        result = restore(settings.database_url, Path(args.file), known_revisions=known_revisions(), replace=args.replace)
    except BackupError as exc:
        print(f"voice-app restore: {exc}", file=sys.stderr)
        return 2
    print(f"Restored {args.file} (schema revision {result.revision}).")
    if result.revision != head_revision():
        print(f"This version of voice-app needs revision {head_revision()}: run `voice-app db upgrade` before serving.")
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    """New keys, a check that the keys read everything, and rotation to the first key."""
    from voice_app.crypto import EncryptionKeyError, new_key
    from voice_app.db import make_engine
    from voice_app.records.keys import check_keys, rotate_keys

    if args.keys_command == "new":
        try:
            print(new_key(args.id))
        except EncryptionKeyError as exc:
            print(f"voice-app keys: {exc}", file=sys.stderr)
            return 2
        return 0
    settings = Settings.for_command(getattr(args, "database_url", None))
    keys = settings.keyring()
    engine = make_engine(settings.database_url)
    try:
        if args.keys_command == "rotate":
            rewritten = rotate_keys(engine, keys)
            print(f"Re-encrypted {sum(rewritten.values())} values under key {keys.current_id!r}:")
            for context, count in rewritten.items():
                print(f"  {context:34} {count}")
            print("Once backups made before now have expired, the old keys can be removed from VOICE_APP_ENCRYPTION_KEYS.")
        report = check_keys(engine, keys)
    except EncryptionKeyError as exc:
        print(f"voice-app keys: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    if args.keys_command == "check":
        for column in report:
            keys_used = ", ".join(f"{key_id}: {count}" for key_id, count in sorted(column.by_key.items())) or "none"
            print(f"  {column.context:34} {keys_used}; plaintext: {column.plaintext}")
        old = sorted({key_id for column in report for key_id in column.by_key} - {keys.current_id})
        plain = sum(column.plaintext for column in report)
        print("Every encrypted value can be read with these keys.")
        if old or plain:
            print(f"Not yet under the current key {keys.current_id!r}: keys {', '.join(old) or 'none'}, {plain} plaintext. Run: voice-app keys rotate")
            return 1
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    """List (--dry-run) or carry out (--apply) what the retention rules say is due."""
    import logging
    from datetime import date

    from voice_app.db import exclusive, make_engine
    from voice_app.records.retention import RetentionError, apply, load_rules, plan

    settings = Settings.for_command(getattr(args, "database_url", None))
    try:
        rules = load_rules(Path(args.rules) if args.rules else None)
    except RetentionError as exc:
        print(f"voice-app retention: {exc}", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    # Two machines running this from cron at once take turns: the second plans after the first has
    # committed, so each record is disposed of (and audited) once.
    try:
        with exclusive(settings.database_url, "retention"), engine.begin() as connection:
            due = plan(connection, rules=rules, today=date.today())
            for line in due.held:
                print(f"  held: {line}")
            for item in due.due:
                print(f"  {'' if args.apply else 'would '}{item.line}")
            if not due.due:
                print("Nothing is due under the retention rules today.")
            if args.apply and due.due:
                done = apply(connection, due.due)
                summary = ", ".join(f"{kind}: {count}" for kind, count in done.items())
                # Counts only: the log never holds names or text.
                logging.getLogger("voice_app.retention").warning("retention applied: %s", summary)
                print(f"Done ({summary}); each step is in the audit trail.")
            elif due.due:
                print("Nothing was changed (dry run). Run with --apply to do it.")
    finally:
        engine.dispose()
    return 0


def cmd_subject_access(args: argparse.Namespace) -> int:
    """Everything about one child (found by case reference) as a ZIP, audited as made from the command line."""
    from sqlmodel import select

    from voice_app.db import make_engine, standalone_session
    from voice_app.models import Child
    from voice_app.records.subject_access import export_zip, gather, record_export

    settings = Settings.for_command(getattr(args, "database_url", None))
    out = Path(args.out)
    if out.exists():
        print(f"voice-app subject-access: {out} already exists; choose a new file name.", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    try:
        with standalone_session(engine) as db:
            child = db.exec(select(Child).where(Child.case_reference == args.child)).first()
            if child is None:
                print(f"voice-app subject-access: no child has the case reference {args.child!r}.", file=sys.stderr)
                return 2
            access = gather(db, child_id=child.id, made_by=None)
            out.write_bytes(export_zip(access))
            out.chmod(0o600)
            record_export(db, access=access, by=None, via="cli")
    finally:
        engine.dispose()
    print(f"Wrote {out}: {len(access.statements)} statement(s); review third-party/ before release.")
    return 0


def register(commands: argparse._SubParsersAction, add_db_url: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the records commands to the voice-app parser."""
    backup = commands.add_parser("backup", help="copy the database to a new file, safely while it runs")
    backup.add_argument("file", help="the new backup file (SQLite: a database file; PostgreSQL: a pg_dump archive)")
    add_db_url(backup)
    backup.set_defaults(handler=cmd_backup)

    restore = commands.add_parser("restore", help="put a backup in place of the database (stop the service first)")
    restore.add_argument("file", help="a file made by voice-app backup")
    restore.add_argument("--replace", action="store_true", help="overwrite a database that already has data (it is kept beside it first)")
    add_db_url(restore)
    restore.set_defaults(handler=cmd_restore)

    keys = commands.add_parser("keys", help="field encryption keys: new, check, rotate")
    keys_commands = keys.add_subparsers(dest="keys_command", metavar="KEYS_COMMAND", required=True)
    new = keys_commands.add_parser("new", help="print a new random key to add to VOICE_APP_ENCRYPTION_KEYS")
    new.add_argument("--id", default="k1", help="the key's id, stored with every value it encrypts (default k1)")
    check = keys_commands.add_parser("check", help="decrypt every encrypted value; say which keys are in use")
    rotate = keys_commands.add_parser("rotate", help="re-encrypt everything under the first key of VOICE_APP_ENCRYPTION_KEYS")
    for sub in (new, check, rotate):
        sub.set_defaults(handler=cmd_keys)
    add_db_url(check)
    add_db_url(rotate)

    retention = commands.add_parser("retention", help="anonymise or delete records kept as long as the rules say")
    mode = retention.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dry-run", action="store_true", help="list what is due and why; change nothing")
    mode.add_argument("--apply", action="store_true", help="anonymise or delete what is due, audited")
    retention.add_argument("--rules", help="a retention file (default VOICE_APP_RETENTION_FILE or the shipped rules)")
    add_db_url(retention)
    retention.set_defaults(handler=cmd_retention)

    access = commands.add_parser("subject-access", help="everything about one child in a ZIP (PDF and JSON), audited")
    access.add_argument("--child", required=True, help="the child's case reference")
    access.add_argument("--out", required=True, help="the ZIP file to write (never overwritten)")
    add_db_url(access)
    access.set_defaults(handler=cmd_subject_access)
