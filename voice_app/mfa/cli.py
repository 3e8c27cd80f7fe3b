"""`voice-app second-factor reset`: for the one case no admin can help, an admin who lost their phone and codes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from voice_app.config import Settings


def cmd_reset(args: argparse.Namespace) -> int:
    """Remove one person's authenticator app and recovery codes (audited as done from the command line)."""
    from voice_app.auth.services import find_staff_by_email
    from voice_app.db import make_engine, standalone_session
    from voice_app.mfa.services import reset_by_admin
    from voice_app.models import utcnow

    settings = Settings.for_command(getattr(args, "database_url", None))
    engine = make_engine(settings.database_url)
    try:
        with standalone_session(engine) as db:
            user = find_staff_by_email(db, args.email)
            if user is None:
                print("voice-app second-factor: there is no account with that email address.", file=sys.stderr)
                return 1
            reset_by_admin(db, user=user, acting=None, secret=settings.secret_key, now=utcnow())
    finally:
        engine.dispose()
    print("Their authenticator app and recovery codes are removed: they sign in with their password and set up a new app.")
    return 0


def register(commands, add_db_url: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add `second-factor reset --email ...` to the voice-app command."""
    parser = commands.add_parser("second-factor", help="second-factor commands (resetting a lost authenticator app)")
    sub = parser.add_subparsers(dest="second_factor_command", metavar="SECOND_FACTOR_COMMAND", required=True)
    reset = sub.add_parser("reset", help="remove someone's authenticator app when no other admin can (break glass)")
    reset.add_argument("--email", required=True)
    add_db_url(reset)
    reset.set_defaults(handler=cmd_reset)
