"""The servers `voice-app serve` runs: gunicorn's worker processes on Linux, Waitress elsewhere and for the demo.

gunicorn (threaded workers, `gthread`) runs one process per core, so requests no longer queue behind one
interpreter lock, and restarts gracefully (SIGHUP: new workers start, old ones finish their requests).
Waitress is one process with threads: the demo and Windows use it. Both believe no forwarded header
themselves: voice_app/operations.py believes them from VOICE_APP_TRUSTED_PROXY only, the same way for both.
"""

from __future__ import annotations

import gc
import os
import threading

SERVERS = ("gunicorn", "waitress")
DEFAULT_SERVER = "waitress" if os.name == "nt" else "gunicorn"
# Threads per gunicorn worker: enough to overlap database waits without queueing CPU work in one process.
THREADS_PER_WORKER = 4


def default_workers() -> int:
    """One worker process per core."""
    return max(1, os.cpu_count() or 1)


def waitress_options(settings) -> dict[str, object]:
    """Waitress believes no forwarded header itself: the app does, from the named proxy only (operations.TrustedProxy)."""
    del settings  # the proxy is the app's to judge, under any server
    return {"ident": "voice-app", "clear_untrusted_proxy_headers": False}


def gunicorn_options(settings, *, host: str, port: int, workers: int, threads: int) -> dict[str, object]:
    """gunicorn's settings: threaded workers, graceful restarts, no access log (log lines come from the app)."""
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 60,  # a worker silent this long is replaced
        "graceful_timeout": 30,  # on SIGHUP/SIGTERM, what a worker may take to finish its requests
        "keepalive": 5,
        "forwarded_allow_ips": "",  # the app judges forwarded headers (operations.TrustedProxy)
        "proc_name": "voice-app",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "logger_class": _gunicorn_logger(),
        "raw_env": [],
    }


def _gunicorn_logger():
    from gunicorn.glogging import Logger

    class ThroughTheAppsLog(Logger):
        """gunicorn's own lines (workers started, restarts) go through the same handler as the app's: text or JSON."""

        def setup(self, cfg) -> None:
            super().setup(cfg)
            for handler in list(self.error_log.handlers):
                self.error_log.removeHandler(handler)
            self.error_log.propagate = True

    return ThroughTheAppsLog


def run_gunicorn(app_factory, options: dict[str, object]) -> None:
    """Run gunicorn in this process (the master), each worker building the app with `app_factory`."""
    from gunicorn.app.base import BaseApplication

    class VoiceAppServer(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return app_factory()

    VoiceAppServer().run()


def settle_after_start() -> None:
    """Call once the serving process has built its app: what start-up made (modules, templates, catalogues,
    the question bank: some 170,000 objects) lives as long as the process, so it is moved out of the
    garbage collector's sight (gc.freeze). A full collection then walks only what requests leave behind,
    rather than the whole start-up every few hundred requests (about 50-100 ms of CPU each time).
    Only for a serving process: tests build an app per test and must let each one go."""
    gc.collect()
    gc.freeze()


def run_waitress(app, *, host: str, port: int, threads: int) -> None:
    from waitress import serve

    serve(app, host=host, port=port, threads=threads, **waitress_options(None))


def stop_in_thread(server, thread: threading.Thread, *, timeout: float = 5) -> None:
    """Close a Waitress server that runs in a thread of its own (browser tests, load benchmarks) from inside its loop.

    Closing its sockets from another thread can pull a file descriptor out from under the loop's
    select() ("Bad file descriptor"); a thunk run by the server's trigger closes them between polls.
    """
    from waitress import wasyncore

    def close_everything() -> None:
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)

    server.trigger.pull_trigger(close_everything)
    thread.join(timeout=timeout)
