"""`voice-app phones sweep`: end every phone that should have ended by itself (run daily from cron)."""

from __future__ import annotations

import argparse


def cmd_sweep(args: argparse.Namespace) -> int:
    """End phones of children who left care or whose plan ended, and phones unused for the service's period."""
    from voice_app.config import Settings
    from voice_app.db import exclusive, make_engine, standalone_session
    from voice_app.phone.devices import sweep_devices

    settings = Settings.for_command(getattr(args, "database_url", None))
    engine = make_engine(settings.database_url)
    try:
        # Two machines at once take turns (and each phone ends at most once anyway: end_device is conditional).
        with exclusive(settings.database_url, "phones-sweep"), standalone_session(engine) as session:
            ended = sweep_devices(session, unused_days=settings.phone_unused_days)
    finally:
        engine.dispose()
    print(f"Phones ended: {ended}.")
    return 0


def register(commands, add_db_url) -> None:
    """Add the `phones` command group."""
    phones = commands.add_parser("phones", help="children's own phones")
    phone_commands = phones.add_subparsers(dest="phones_command", metavar="PHONES_COMMAND")
    sweep = phone_commands.add_parser("sweep", help="end phones that should have ended by themselves")
    add_db_url(sweep)
    sweep.set_defaults(handler=cmd_sweep)
    phones.set_defaults(handler=lambda _args: phones.print_help() or 2)
