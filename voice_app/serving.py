"""Stopping a Waitress server that runs in a thread of its own (browser tests, load benchmarks)."""

from __future__ import annotations

import threading

from waitress import wasyncore


def stop_in_thread(server, thread: threading.Thread, *, timeout: float = 5) -> None:
    """Close the server from inside its own loop, then wait for the loop to end.

    Closing its sockets from another thread can pull a file descriptor out from under the loop's
    select() ("Bad file descriptor"); a thunk run by the server's trigger closes them between polls.
    """

    def close_everything() -> None:
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)

    server.trigger.pull_trigger(close_everything)
    thread.join(timeout=timeout)
