"""How long sign-in takes to say no, for each kind of wrong try, with the real Argon2id parameters.

An attacker compares these to learn which emails have accounts: they should be the same within noise.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session, SQLModel  # noqa: E402

import voice_app.models  # noqa: E402,F401
from tests.conftest import Client, make_settings  # noqa: E402
from tests.factories import Factory  # noqa: E402
from voice_app import create_app  # noqa: E402
from voice_app.models import Role  # noqa: E402

RUNS = 40
PASSWORD = "bench password that is long"


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.db'}"
    app = create_app(settings=make_settings(url, login_max_failures=10**6))
    SQLModel.metadata.create_all(app.extensions["voice_app_engine"])
    with Session(app.extensions["voice_app_engine"], expire_on_commit=False) as db:
        make = Factory(db, password=PASSWORD)  # real Argon2id: use_fast_hashing_for_tests is never called here
        make.staff(Role.IRO, email="real@example.org")
        make.staff(Role.IRO, email="off@example.org", active=False)
    client = Client(app.test_client())
    cases = {
        "unknown email": ("nobody@example.org", "wrong password"),
        "wrong password": ("real@example.org", "wrong password"),
        "switched-off account": ("off@example.org", PASSWORD),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    statuses: dict[str, set[int]] = {name: set() for name in cases}
    for run in range(RUNS):
        for name, (email, password) in cases.items():  # interleaved, so a busy machine slows every case alike
            client.raw.environ_base["REMOTE_ADDR"] = f"10.0.{run}.{len(times[name])}"  # no address waits here
            started = time.perf_counter()
            statuses[name].add(client.sign_in(email, password).status_code)
            times[name].append((time.perf_counter() - started) * 1000)
    print(f"sign-in refusals, {RUNS} tries each (milliseconds)")
    for name in cases:
        print(f"  {name:22} median {statistics.median(times[name]):7.1f}  p90 {statistics.quantiles(times[name], n=10)[-1]:7.1f}  statuses {sorted(statuses[name])}")


if __name__ == "__main__":
    main()
