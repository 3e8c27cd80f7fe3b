"""`voice-app mail send-due`: send what the outbox holds that is due (run it from cron every minute)."""

from __future__ import annotations

import argparse


def cmd_send_due(args: argparse.Namespace) -> int:
    """Send every due message; exit 1 when some failed (they stay queued for the next run)."""
    from voice_app.config import Settings
    from voice_app.db import standalone_session
    from voice_app.mail.outbox import send_due

    settings = Settings.for_command(getattr(args, "database_url", None))
    if not settings.mail_enabled:
        print("Email is not configured (VOICE_APP_SMTP_HOST is not set): nothing to send.")
        return 0
    app = args.make_app(settings)  # the command line hands the app factory down
    try:
        with app.app_context(), standalone_session(app.extensions["voice_app_engine"]) as session:
            summary = send_due(session, limit=args.limit)
    finally:
        app.extensions["voice_app_engine"].dispose()
    print(f"Sent {len(summary.sent)}; failed and waiting to retry {len(summary.failed)}; given up {len(summary.gave_up)}.")
    return 1 if summary.failed or summary.gave_up else 0


def register(commands, add_db_url) -> None:
    """Add the `mail` command group."""
    mail = commands.add_parser("mail", help="the email outbox")
    mail_commands = mail.add_subparsers(dest="mail_command", metavar="MAIL_COMMAND")
    send = mail_commands.add_parser("send-due", help="send queued email that is due (and retry failures)")
    send.add_argument("--limit", type=int, default=500)
    add_db_url(send)
    send.set_defaults(handler=cmd_send_due)
    mail.set_defaults(handler=lambda _args: mail.print_help() or 2)
