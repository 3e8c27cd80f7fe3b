"""`voice-app backup`, `voice-app restore`, `voice-app keys` and `voice-app retention`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from voice_app.config import Settings


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    if getattr(args, "database_url", None):
        settings.database_url = args.database_url
    settings.check()
    return settings


def cmd_backup(args: argparse.Namespace) -> int:
    """Copy the running database to a new file."""
    from voice_app.records.backup import BackupError, backup

    settings = _settings(args)
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

    settings = _settings(args)
    try:
        result = restore(settings.database_url, Path(args.file), known_revisions=known_revisions(), replace=args.replace)
    except BackupError as exc:
        print(f"voice-app restore: {exc}", file=sys.stderr)
        return 2
    print(f"Restored {args.file} (schema revision {result.revision}).")
    if result.revision != head_revision():
        print(f"This version of voice-app needs revision {head_revision()}: run `voice-app db upgrade` before serving.")
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
