"""Answers per second with one gunicorn worker and with one per core, on the same machine, in one run.

Run: .venv/bin/python bench/serving_cores.py [--tablets 16] [--answers 12] [--database-url postgresql+psycopg://...]
Each configuration is a real `voice-app serve --server gunicorn --workers N` on loopback; simulated
tablets (threads, each with its own connection and child-mode session) answer their questions as fast
as the server lets them, a bounded load: tablets x answers POSTs. Each run uses children of its own, so
no answer is a repeat. SQLite by default (a temporary file); give --database-url for PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from child_answers import Tablet, answer_plan  # bench/child_answers.py: the same tablets and answers
from sqlmodel import Session
from tablets import hand_over_tablet

from voice_app import create_app
from voice_app.config import Settings
from voice_app.db import make_engine
from voice_app.models import Role, StaffUser
from voice_app.passwords import hash_password, use_fast_hashing_for_tests
from voice_app.security import CHILD_MODE_KEY

SECRET = "bench-serving-cores-" + "s" * 32


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("VOICE_APP_")}
    env.update(
        VOICE_APP_ENV="development",
        VOICE_APP_SECRET_KEY=SECRET,
        VOICE_APP_DATABASE_URL=url,
        VOICE_APP_RATE_LIMITS="off",
        VOICE_APP_SECURE_COOKIES="off",
    )
    return env


def seed(url: str, count: int) -> list[dict]:
    engine = make_engine(url)
    states = []
    with Session(engine, expire_on_commit=False) as db:
        iro = StaffUser(
            email="bench-iro@example.org",
            display_name="Bench IRO",
            role=Role.IRO,
            password_hash=hash_password("bench password 123"),
        )
        db.add(iro)
        db.commit()
        for n in range(count):
            statement_id, state, child = hand_over_tablet(db, iro=iro, reference=f"C-{n:04d}", name=f"Child {n}")
            states.append({"statement": statement_id, "state": state, "child": child})
    engine.dispose()
    return states


def wait_ready(port: int, process: subprocess.Popen) -> None:
    """Ask /readyz until it answers 200 (bounded: 600 tries of at most a second each)."""
    import http.client

    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError("the server stopped before it was ready")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.05)  # a benchmark, not a test: nothing listens yet
    raise RuntimeError("the server never became ready")


def run(url: str, workers: int, tablets: list[dict], plan, answers: int) -> tuple[int, float]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "voice_app", "serve", "--server", "gunicorn", "--workers", str(workers), "--port", str(port)],
        env=_env(url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_ready(port, server)
        signer = create_app(settings=Settings(env="development", secret_key=SECRET, database_url=url, secure_cookies=False))
        serializer = signer.session_interface.get_signing_serializer(signer)
        done: list[int] = []
        lock = threading.Lock()
        barrier = threading.Barrier(len(tablets) + 1)

        def one_tablet(entry: dict) -> None:
            tablet = Tablet(port, serializer.dumps({CHILD_MODE_KEY: entry["state"]}))
            page = tablet.request("GET", f"/child/statements/{entry['statement']}").decode()
            tablet.csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
            barrier.wait()
            for question_id, fields in plan[:answers]:
                tablet.request(
                    "POST", f"/child/statements/{entry['statement']}/questions/{question_id}", fields, {"HX-Request": "true"}
                )
                with lock:
                    done.append(1)

        threads = [threading.Thread(target=one_tablet, args=(entry,)) for entry in tablets]
        for thread in threads:
            thread.start()
        barrier.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        return len(done), time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tablets", type=int, default=16)
    parser.add_argument("--answers", type=int, default=12, help="answers per tablet")
    parser.add_argument("--database-url", help="default: SQLite in a temporary folder")
    args = parser.parse_args()
    use_fast_hashing_for_tests()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='voice-cores-')}/bench.db"
    subprocess.run([sys.executable, "-m", "voice_app", "db", "upgrade"], env=_env(url), check=True, capture_output=True)
    cores = os.cpu_count() or 1
    configurations = [1] + ([cores] if cores > 1 else [])
    everyone = seed(url, args.tablets * len(configurations))
    plan = answer_plan(everyone[0]["child"])
    print(f"{args.tablets} tablets x {min(args.answers, len(plan))} answers per run, {cores} cores, {url.split(':', 1)[0]}")
    for n, workers in enumerate(configurations):
        count, elapsed = run(url, workers, everyone[n * args.tablets : (n + 1) * args.tablets], plan, args.answers)
        print(
            f"  gunicorn, {workers} worker(s) x 4 threads: {count} answers in {elapsed:.1f} s = {count / elapsed:.0f} answers/s"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (other work on the machine lowers both figures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
