"""The `voice-app` command: demo, serve, db upgrade, create-user, export, report, backup, restore."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence

from voice_app.config import PROJECT_ROOT, ConfigError, Settings
from voice_app.serving import waitress_options  # noqa: F401 - where the tests and benches look for it

DEMO_DB = PROJECT_ROOT / "instance" / "voice-app-demo.db"
# One Waitress thread per core: requests are CPU-bound under the GIL, and more threads only queue
# inside Python (bench/child_answers.py: p95 20 ms with 2 threads on 2 cores, 98 ms with 8).
DEFAULT_THREADS = max(2, os.cpu_count() or 2)


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.for_command(getattr(args, "database_url", None))


def _make_app(settings: Settings):
    """The app, for a command that needs one (the outbox renders its email in the app's context)."""
    from voice_app import create_app

    return create_app(settings=settings)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Bring the database up to the newest schema, holding the database's upgrade lock."""

    from voice_app.db import exclusive

    settings = _settings(args)
    # Instances starting together take turns: the first upgrades, the next waits, then finds nothing to do.
    with exclusive(settings.database_url, "upgrade"):
        _upgrade_holding_the_lock(settings, args.revision)
    return 0


def _upgrade_holding_the_lock(settings: Settings, revision: str) -> None:
    from voice_app.migrate import current_revision, upgrade

    upgrade(settings.database_url, revision)
    print(f"Database is at revision {current_revision(settings.database_url)}.")
    if revision == "head":
        from voice_app.db import make_engine, standalone_session
        from voice_app.staff.services import fill_missing_due_dates

        engine = make_engine(settings.database_url)
        with standalone_session(engine) as db:
            print(f"Due dates worked out for the reviews of {fill_missing_due_dates(db, nation=settings.nation)} children.")
        engine.dispose()


def cmd_db_current(args: argparse.Namespace) -> int:
    """Say which migration the database is at."""
    from voice_app.migrate import current_revision, head_revision

    settings = _settings(args)
    current, head = current_revision(settings.database_url), head_revision()
    print(f"Database revision: {current or 'none (run: voice-app db upgrade)'}; newest: {head}.")
    return 0 if current == head else 1


def cmd_create_user(args: argparse.Namespace) -> int:
    """Create a staff account; the password comes from a prompt or standard input, never the command line."""
    from voice_app.admin.services import StaffAccountError, create_staff_user
    from voice_app.db import make_engine, standalone_session
    from voice_app.models import Role

    settings = _settings(args)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Password (at least 12 characters): ")
        if password != getpass.getpass("Same password again: "):
            print("The two passwords are not the same. Nothing was created.", file=sys.stderr)
            return 2
    else:
        print("No terminal to ask for a password: pipe it in with --password-stdin.", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    try:
        with standalone_session(engine) as db:
            user = create_staff_user(db, email=args.email, display_name=args.name, role=Role(args.role), password=password)
    except StaffAccountError as exc:
        print(f"Could not create the account: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"Created {user.role.label} account for {user.display_name} <{user.email}>.")
    return 0


def serve(settings: Settings, *, host: str, port: int, threads: int, server: str = "waitress", workers: int = 1) -> None:
    """Serve the app: gunicorn's worker processes (Linux) or Waitress (the demo, Windows)."""
    from voice_app import create_app
    from voice_app.operations import configure_logging
    from voice_app.serving import gunicorn_options, run_gunicorn, run_waitress, settle_after_start

    configure_logging(settings.log_format)
    if settings.env == "production" and not settings.trusted_proxy:
        print(
            "VOICE_APP_TRUSTED_PROXY is not set: requests through an HTTPS proxy will look like plain http "
            "(no HSTS) and share one rate limit. Set it to the proxy's address.",
            file=sys.stderr,
        )
    if server == "gunicorn":
        print(
            f"voice-app is serving on http://{host}:{port}/ with {workers} worker process(es) x {threads} threads "
            "(SIGHUP restarts them gracefully; Ctrl+C stops)",
            flush=True,
        )

        def build_app():
            configure_logging(settings.log_format)  # in each worker, after gunicorn set up its own logging
            app = create_app(settings=settings)
            settle_after_start()
            return app

        run_gunicorn(build_app, gunicorn_options(settings, host=host, port=port, workers=workers, threads=threads))
        return
    app = create_app(settings=settings)
    settle_after_start()
    print(f"voice-app is serving on http://{host}:{port}/ (press Ctrl+C to stop)", flush=True)
    run_waitress(app, host=host, port=port, threads=threads)


def _check_schema(settings: Settings) -> bool:
    from voice_app.migrate import current_revision, head_revision

    current, head = current_revision(settings.database_url), head_revision()
    if current != head:
        print(f"The database is at revision {current or 'none'} but the code needs {head}. Run: voice-app db upgrade", file=sys.stderr)
        return False
    return True


def _check_keys(settings: Settings) -> bool:
    from voice_app.crypto import EncryptionKeyError
    from voice_app.db import make_engine
    from voice_app.records.keys import check_keys_quickly

    engine = make_engine(settings.database_url)
    try:
        check_keys_quickly(engine, settings.keyring())
    except EncryptionKeyError as exc:
        print(f"Refusing to serve: {exc}", file=sys.stderr)
        return False
    finally:
        engine.dispose()
    return True


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve on a database that is already migrated."""
    from voice_app.serving import THREADS_PER_WORKER, default_workers

    settings = _settings(args)
    if args.server == "gunicorn":
        settings.workers = args.workers or default_workers()
    else:
        settings.workers = 1  # Waitress is one process (its threads share the rate limits)
    settings.check()  # again, now the number of processes is known (memory:// with several is refused)
    if not _check_schema(settings) or not _check_keys(settings):
        return 2
    threads = args.threads or (THREADS_PER_WORKER if args.server == "gunicorn" else DEFAULT_THREADS)
    serve(settings, host=args.host, port=args.port, threads=threads, server=args.server, workers=settings.workers)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Create (or reuse) a SQLite demo database with a small service, print the sign-ins, and serve."""
    from voice_app.db import make_engine, standalone_session
    from voice_app.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo
    from voice_app.migrate import upgrade

    settings = Settings.from_env()
    if settings.env == "production":
        print("The demo never runs with VOICE_APP_ENV=production.", file=sys.stderr)
        return 2
    settings.env = "demo"
    settings.database_url = f"sqlite:///{args.db or DEMO_DB}"
    # On plain http to loopback the session cookie goes without Secure, so WebKit signs in too (voice_app/cookies.py).
    settings.check()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    with standalone_session(engine) as db:
        seeded = seed_demo(db)
    engine.dispose()
    print("Demo data " + ("created." if seeded else "already there; reusing it."))
    print(f"Sign in at http://{args.host}:{args.port}/ with any of these (password: {DEMO_PASSWORD}):")
    for account in DEMO_ACCOUNTS:
        print(f"  {account.role.label:8} {account.email}")
    if args.no_serve:
        return 0
    serve(settings, host=args.host, port=args.port, threads=args.threads, server="waitress")
    return 0


def _add_db_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", help="overrides VOICE_APP_DATABASE_URL")


def build_parser() -> argparse.ArgumentParser:
    """All sub-commands and their options."""
    parser = argparse.ArgumentParser(prog="voice-app", description="voice-app: children's views before their reviews.")
    # What an area's command needs from the top reaches it through its arguments (Settings.for_command
    # reads the settings): no area imports this module.
    parser.set_defaults(make_app=_make_app)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", help="run the demo on SQLite with demo data")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    demo.add_argument("--db", help=f"SQLite file to use (default {DEMO_DB})")
    demo.add_argument("--no-serve", action="store_true", help="set up the data and stop")
    demo.set_defaults(handler=cmd_demo)

    from voice_app.serving import DEFAULT_SERVER, SERVERS

    serve_cmd = commands.add_parser("serve", help="serve with gunicorn's worker processes (Linux) or Waitress")
    serve_cmd.add_argument("--host", default=os.environ.get("VOICE_APP_HOST", "127.0.0.1"))
    serve_cmd.add_argument("--port", type=int, default=int(os.environ.get("VOICE_APP_PORT", "8000")))
    serve_cmd.add_argument(
        "--server",
        choices=SERVERS,
        default=os.environ.get("VOICE_APP_SERVER", DEFAULT_SERVER),
        help=f"gunicorn (several processes, Linux) or waitress (one process; Windows); default {DEFAULT_SERVER}",
    )
    serve_cmd.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("VOICE_APP_WORKERS", "0") or 0),
        help="gunicorn worker processes (default VOICE_APP_WORKERS, else one per core)",
    )
    serve_cmd.add_argument("--threads", type=int, default=0, help="threads per process (default 4 per gunicorn worker; one per core under Waitress)")
    _add_db_url(serve_cmd)
    serve_cmd.set_defaults(handler=cmd_serve)

    database = commands.add_parser("db", help="database schema commands")
    db_commands = database.add_subparsers(dest="db_command", metavar="DB_COMMAND")
    up = db_commands.add_parser("upgrade", help="apply migrations")
    up.add_argument("--revision", default="head")
    _add_db_url(up)
    up.set_defaults(handler=cmd_db_upgrade)
    current = db_commands.add_parser("current", help="show the schema revision")
    _add_db_url(current)
    current.set_defaults(handler=cmd_db_current)
    database.set_defaults(handler=lambda _args: _usage(database))

    user = commands.add_parser("create-user", help="create a staff account")
    user.add_argument("--email", required=True)
    user.add_argument("--name", required=True)
    user.add_argument("--role", required=True, choices=["iro", "manager", "admin"])
    user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    _add_db_url(user)
    user.set_defaults(handler=cmd_create_user)

    from voice_app.mail.cli import register as register_mail
    from voice_app.mfa.cli import register as register_second_factor
    from voice_app.phone.cli import register as register_phones
    from voice_app.records.cli import register as register_records
    from voice_app.reports.cli import register as register_report
    from voice_app.statements.cli import register_export

    # Each area adds its own commands. What a command needs from up here reaches it through its parsed
    # arguments (--database-url read by Settings.for_command; make_app above), so no area imports this module.
    register_export(commands, _add_db_url)
    register_report(commands)
    for register in (register_records, register_second_factor, register_mail, register_phones):
        register(commands, _add_db_url)
    return parser


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the voice-app console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        return _usage(parser)
    try:
        return handler(args)
    except ConfigError as exc:
        print(f"voice-app: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
