"""Time answering questions under 20 simultaneous tablets on SQLite, and weigh the first screen and one step.

Run: .venv/bin/python bench/child_answers.py [--tablets 20] [--answers 23] [--whole 3]
Each tablet asks as the browser does (htmx headers, brotli, and the X-Symbol-Sprite header once it keeps
the sprite, static/js/child.js). Prints the server time per answer (measured around the WSGI app,
in-process; CPU from time.thread_time, steadier than wall time on a shared machine) and the round trip
seen by each simulated tablet, as median and p95; the CPU of a conversation GET (a reload) with 5 and
25 answers given; then the bytes the server really sends (brotli; status line and headers included)
for the first screen (the page and every static file it names) and the largest step of a whole
younger and a whole older conversation. Targets (issue 33): CPU per answer median <= 3 ms, p95 <= 6 ms;
GET <= 4 ms at 5 answers, <= 7 ms at 25; first screen <= 30 KB; every step <= 4 KB. Also the SQL statements
each answer POST sends (counted on the engine).

After the crowd, --whole conversations of each version are answered one request at a time, and the
serving process's own CPU (every thread of the Waitress process: reading the request, the app, brotli,
writing the response; from the kernel's count in /proc, read before and after each request) is printed
per answer POST and per conversation GET at 5 and 25 answers: issue 33's figures over HTTP (targets
<= 3.5 ms per answer; GET <= 4 ms at 5 answers, <= 7 ms at 25).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import multiprocessing
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import brotli
from sqlalchemy import event
from sqlmodel import Session, SQLModel
from waitress.server import create_server

import voice_app.models  # noqa: F401 - every table
from bench.tablets import hand_over_tablet  # bench/tablets.py: the set-up shared with bench/child_field.py
from voice_app import create_app
from voice_app import serving as servers
from voice_app.child.flow import asked_questions
from voice_app.config import Settings
from voice_app.db import make_engine
from voice_app.models import Child, FlowVersion, Role, StaffUser, Statement
from voice_app.passwords import hash_password, use_fast_hashing_for_tests
from voice_app.questions.bank import default_bank
from voice_app.security import CHILD_MODE_KEY
from voice_app.serving import stop_in_thread

COOKIE = "voice_app_session"
# A tablet's session as a hand-over leaves it: the IRO's permanent session, signed out, in child mode.
HANDED_OVER = {"_permanent": True}
GET_REPEATS = 10


def process_cpu(pid: int) -> float:
    """Seconds of CPU the process `pid` has used so far, every thread of it (the server's own count, read
    by the kernel): the scheduler's nanoseconds (/proc/<pid>/task/*/schedstat) where the kernel keeps
    them, else utime + stime from /proc/<pid>/stat (clock ticks, coarser)."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
        return sum(int(Path(f"/proc/{pid}/task/{task}/schedstat").read_text().split()[0]) for task in tasks) / 1e9
    except (OSError, ValueError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ServerCpu:
    """The serving process's CPU spent on each kind of request, one request at a time (read before and after)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.spent: dict[str, list[float]] = {}

    def request(self, label: str, tablet: Tablet, *args, **kwargs) -> bytes:
        before = process_cpu(self.pid)
        body = tablet.request(*args, **kwargs)
        self.spent.setdefault(label, []).append(process_cpu(self.pid) - before)
        return body


def seed(url: str, tablets: int, versions: tuple[FlowVersion, ...] = ()) -> list[dict]:
    """An IRO per tablet, each with a child, a review, a visit and a live hand-over (younger, then `versions`)."""
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    states = []
    with Session(engine, expire_on_commit=False) as db:
        password = hash_password("bench password 123")
        for n in range(tablets):
            iro = StaffUser(email=f"iro{n}@example.org", display_name=f"IRO {n}", role=Role.IRO, password_hash=password)
            db.add(iro)
            db.commit()
            statement_id, state, child = hand_over_tablet(db, iro=iro, reference=f"B-{n:04d}", name=f"Child {n}")
            states.append({"statement": statement_id, "state": state, "child": child})
        for n, version in enumerate(versions, start=tablets):
            iro = StaffUser(email=f"iro{n}@example.org", display_name=f"IRO {n}", role=Role.IRO, password_hash=password)
            db.add(iro)
            db.commit()
            statement_id, state, child = hand_over_tablet(db, iro=iro, reference=f"B-{n:04d}", name=f"Child {n}", version=version)
            states.append({"statement": statement_id, "state": state, "child": child, "version": version})
    engine.dispose()
    return states


def answer_plan(child: Child, version: FlowVersion = FlowVersion.YOUNGER, *, ids: str = "bench") -> list[tuple[str, dict]]:
    """Each question a cared-for child is asked, with a first-card answer, following show_if as the
    flow does (a first card that opens a follow-up brings it in), each with its own 32-character
    client id starting with `ids`."""
    from voice_app.child.flow import SavedAnswer

    statement = Statement(child_id=1, visit_id=1, version=version, parts="views,menu")
    plan: list[tuple[str, dict]] = []
    answers: dict[str, SavedAnswer] = {}
    while question := next(
        (q for q in asked_questions(default_bank(), statement=statement, child=child, answers=answers) if q.id not in answers),
        None,
    ):
        if question.kind == "scale":
            fields, saved = {"scale": "5"}, SavedAnswer(question.id, scale=5)
        elif question.kind == "text":
            fields, saved = {"text": "words"}, SavedAnswer(question.id, text="words")
        else:
            fields, saved = {"choice": question.choices[0].id}, SavedAnswer(question.id, (question.choices[0].id,))
        answers[question.id] = saved
        # The same id for the same answer on every tablet: the weighing tablet's first answer, sent again, is a repeat.
        plan.append((question.id, {**fields, "client_id": f"{ids}{len(plan):0{32 - len(ids)}d}"}))
    return plan


class Timing:
    """WSGI middleware that records how long the app takes for each answer POST and each conversation GET."""

    def __init__(self, app, engine=None) -> None:
        self.app = app
        self.times: list[float] = []
        self.cpu: list[float] = []
        self.statements: list[int] = []  # SQL statements sent by each answer POST
        self.counting = threading.local()
        if engine is not None:
            event.listen(engine, "before_cursor_execute", self._count)
        self.gets: list[tuple[str, float]] = []  # (the X-Bench-Label header, CPU) of each conversation GET
        self.lock = threading.Lock()

    def _count(self, *_args, **_kwargs) -> None:
        self.counting.statements = getattr(self.counting, "statements", 0) + 1

    def __call__(self, environ, start_response):
        self.counting.statements = 0
        started, cpu_started = time.perf_counter(), time.thread_time()
        body = b"".join(self.app(environ, start_response))
        wall, cpu = time.perf_counter() - started, time.thread_time() - cpu_started
        path = environ.get("PATH_INFO", "")
        if environ["REQUEST_METHOD"] == "POST" and "/questions/" in path:
            with self.lock:
                self.times.append(wall)
                self.cpu.append(cpu)
                self.statements.append(self.counting.statements)
        elif environ["REQUEST_METHOD"] == "GET" and environ.get("HTTP_X_BENCH_LABEL"):
            with self.lock:
                self.gets.append((environ["HTTP_X_BENCH_LABEL"], cpu))
        return [body]


class Tablet:
    """One simulated tablet: its own connection and session cookie."""

    def __init__(self, port: int, cookie: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = cookie
        self.csrf = ""
        self.sprite = ""  # once set, sent as X-Symbol-Sprite on every request, as child.js does once it keeps it

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None) -> bytes:
        """The response body, decoded; what it cost on the wire (status line, headers, body as sent) is in self.wire."""
        all_headers = {"Cookie": f"{COOKIE}={self.cookie}", "Accept-Encoding": "br, gzip", **(headers or {})}
        if self.sprite:
            all_headers["X-Symbol-Sprite"] = self.sprite
        data = None
        if body is not None:
            data = urlencode(body)
            all_headers.update({"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": self.csrf})
        self.connection.request(method, path, body=data, headers=all_headers)
        response = self.connection.getresponse()
        payload = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith(f"{COOKIE}="):
                self.cookie = value.split(";", 1)[0].split("=", 1)[1]
        if response.status >= 400:
            raise RuntimeError(f"{method} {path} -> {response.status}")
        head = (
            f"HTTP/1.1 {response.status} {response.reason}\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in response.getheaders())
            + "\r\n"
        )
        self.wire = len(head.encode("latin-1")) + len(payload)
        encoding = response.getheader("Content-Encoding")
        return brotli.decompress(payload) if encoding == "br" else gzip.decompress(payload) if encoding == "gzip" else payload


def open_page(tablet: Tablet, statement: int) -> None:
    """The first page, then (as child.js does) the sprite: from then on each request says the tablet keeps it."""
    page = tablet.request("GET", f"/child/statements/{statement}").decode()
    tablet.csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    sprite = re.search(r'data-sprite="([^"]+)"', page)
    if sprite:
        tablet.request("GET", sprite.group(1))
        tablet.sprite = sprite.group(1)


def run_tablet(tablet: Tablet, statement: int, plan, answers: int, round_trips: list, lock, barrier) -> None:
    open_page(tablet, statement)
    barrier.wait()
    for question_id, fields in plan[:answers]:
        started = time.perf_counter()
        tablet.request("POST", f"/child/statements/{statement}/questions/{question_id}", fields, {"HX-Request": "true"})
        with lock:
            round_trips.append(time.perf_counter() - started)


def first_screen_bytes(tablet: Tablet, statement: int) -> tuple[int, dict[str, int]]:
    """The first screen as served: the page and every file it names, each as it came over the wire."""
    html = tablet.request("GET", f"/child/statements/{statement}")
    sizes = {"HTML": tablet.wire}
    for url in sorted(set(re.findall(rb'(?:href|src)="(/static/[^"]+)"', html))):
        tablet.request("GET", url.decode())
        sizes[url.decode()] = tablet.wire
    return sum(sizes.values()), sizes


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def bench_settings(url: str) -> Settings:
    return Settings(env="development", database_url=url, rate_limits_enabled=False, secure_cookies=False)


def serve(url: str, threads: int, ready, done, results) -> None:
    """The server process: the app under Waitress with the timing middleware, until told to stop."""
    app = create_app(settings=bench_settings(url))
    if hasattr(servers, "settle_after_start"):
        servers.settle_after_start()  # as `voice-app serve` does once its app is built
    timing = Timing(app.wsgi_app, app.extensions["voice_app_engine"])
    app.wsgi_app = timing
    server = create_server(app, host="127.0.0.1", port=0, threads=threads, ident="voice-app-bench")
    serving = threading.Thread(target=server.run, daemon=True)
    serving.start()
    ready.put(server.effective_port)
    done.wait()
    results.put((timing.times, timing.cpu, timing.gets, timing.statements))
    stop_in_thread(server, serving)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tablets", type=int, default=20)
    parser.add_argument("--answers", type=int, default=23, help="answers per tablet (23 = the whole younger views and menu)")
    parser.add_argument("--threads", type=int, default=2, help="Waitress threads: one per core (Python threads share one lock)")
    parser.add_argument("--whole", type=int, default=3, help="whole conversations of each version answered one at a time, after the crowd")
    args = parser.parse_args()
    use_fast_hashing_for_tests()
    folder = tempfile.mkdtemp(prefix="voice-bench-")
    url = f"sqlite:///{folder}/bench.db"
    tablets_state = seed(url, args.tablets, versions=(FlowVersion.YOUNGER, FlowVersion.OLDER) * args.whole)
    whole = tablets_state[args.tablets :]  # tablets of each version, to answer whole conversations after the crowd
    tablets_state = tablets_state[: args.tablets]
    plan = answer_plan(tablets_state[0]["child"])

    # The server runs in its own process, so the simulated tablets do not share its interpreter lock.
    context = multiprocessing.get_context("fork")
    ready, results, done = context.Queue(), context.Queue(), context.Event()
    server = context.Process(target=serve, args=(url, args.threads, ready, done, results), daemon=True)
    server.start()
    port = ready.get(timeout=30)
    signer_app = create_app(settings=bench_settings(url))  # same secret: signs each tablet's session cookie
    serializer = signer_app.session_interface.get_signing_serializer(signer_app)

    weigh = Tablet(port, serializer.dumps({**HANDED_OVER, CHILD_MODE_KEY: tablets_state[0]["state"]}))
    first_total, first_parts = first_screen_bytes(weigh, tablets_state[0]["statement"])
    open_page(weigh, tablets_state[0]["statement"])
    question_id, fields = plan[0]
    weigh.request(
        "POST", f"/child/statements/{tablets_state[0]['statement']}/questions/{question_id}", fields, {"HX-Request": "true"}
    )
    warm_up = len(plan[:1])

    round_trips: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(args.tablets)
    threads = []
    for entry in tablets_state:
        tablet = Tablet(port, serializer.dumps({**HANDED_OVER, CHILD_MODE_KEY: entry["state"]}))
        threads.append(
            threading.Thread(target=run_tablet, args=(tablet, entry["statement"], plan, args.answers, round_trips, lock, barrier))
        )
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    # Then, one at a time, a whole younger and a whole older conversation: every step's bytes, and the reload
    # (a full page) and the htmx conversation (going back from changing an answer) after 5 and 25 answers.
    largest: dict[str, tuple[int, str]] = {}
    server_cpu = ServerCpu(server.pid)
    for entry in whole:
        tablet = Tablet(port, serializer.dumps({**HANDED_OVER, CHILD_MODE_KEY: entry["state"]}))
        statement = entry["statement"]
        html = tablet.request("GET", f"/child/statements/{statement}").decode()
        open_page(tablet, statement)
        given = 0
        # Follow the server: answer whichever question it shows next (first card, 5, or a few words), to the end.
        while step := re.search(r'id="step"[^>]*data-question="([^"]+)" data-kind="([^"]+)"', html):
            question_id, kind = step.groups()
            given += 1
            if kind == "scale":
                fields = {"scale": "5"}
            elif kind == "text":
                fields = {"text": "words"}
            else:
                fields = {"choice": re.search(r'name="choice" value="([^"]+)"', html).group(1)}
            fields["client_id"] = f"whole{entry['version'].value}{given:022d}"
            html = server_cpu.request(
                "answer", tablet, "POST", f"/child/statements/{statement}/questions/{question_id}", fields, {"HX-Request": "true"}
            ).decode()
            if tablet.wire > largest.get(entry["version"].value, (0, ""))[0]:
                largest[entry["version"].value] = (tablet.wire, question_id)
            if given in (5, 25) and entry["version"] == FlowVersion.OLDER:
                for _ in range(GET_REPEATS):
                    server_cpu.request(
                        f"reload@{given}", tablet, "GET", f"/child/statements/{statement}", headers={"X-Bench-Label": f"reload@{given}"}
                    )
                    server_cpu.request(
                        f"htmx@{given}",
                        tablet,
                        "GET",
                        f"/child/statements/{statement}",
                        headers={"X-Bench-Label": f"htmx@{given}", "HX-Request": "true"},
                    )
        largest[entry["version"].value + " steps"] = max(largest.get(entry["version"].value + " steps", (0, "")), (given, ""))
    done.set()
    all_times, all_cpu, gets, all_statements = results.get(timeout=30)
    server.join(timeout=10)
    crowd = slice(warm_up, warm_up + args.tablets * len(plan[: args.answers]))  # not the whole conversations after
    server_times, cpu_times, statements = all_times[crowd], all_cpu[crowd], all_statements[crowd]

    ms = lambda seconds: f"{seconds * 1000:.1f} ms"
    load = os.getloadavg()[0]
    print(
        f"{args.tablets} tablets x {len(plan[: args.answers])} answers = {len(server_times)} answers in {elapsed:.1f} s ({len(server_times) / elapsed:.0f} answers/s), SQLite, Waitress {args.threads} threads, {os.cpu_count()} cores, load average {load:.1f} at the end"
    )
    print(
        f"server time per answer (wall, in the app): median {ms(statistics.median(server_times))}, p95 {ms(percentile(server_times, 0.95))} (target p95 < 25 ms)"
    )
    print(
        f"server CPU time per answer (this thread):  median {ms(statistics.median(cpu_times))}, p95 {ms(percentile(cpu_times, 0.95))} (target median <= 3 ms, p95 <= 6 ms)"
    )
    print(f"SQL statements per answer POST: median {statistics.median(statements):.0f}, most {max(statements)} (fewer round trips: each costs CPU in SQLAlchemy and the driver)")
    for label, target in (("reload@5", 4), ("htmx@5", 4), ("reload@25", 7), ("htmx@25", 7)):
        cpu = [seconds for name, seconds in gets if name == label]
        if cpu:
            kind, given = label.split("@")
            print(
                f"conversation GET ({kind}, {given} answers given, older): CPU median {ms(statistics.median(cpu))} over {len(cpu)} (target <= {target} ms)"
            )
    # Over HTTP as the browser asks, one request at a time: the serving process's own CPU (all its threads:
    # Waitress reading and writing, the app, brotli), read from the kernel before and after each request.
    spent = server_cpu.spent
    if spent.get("answer"):
        answer_cpu = spent["answer"]
        print(
            f"server process CPU per answer POST over HTTP, one at a time ({len(answer_cpu)} answers, {args.whole} whole conversations of each version): mean {ms(statistics.fmean(answer_cpu))}, median {ms(statistics.median(answer_cpu))} (target <= 3.5 ms)"
        )
    for label, target in (("reload@5", 4), ("htmx@5", 4), ("reload@25", 7), ("htmx@25", 7)):
        if spent.get(label):
            kind, given = label.split("@")
            print(
                f"server process CPU per conversation GET over HTTP ({kind}, {given} answers given, older): mean {ms(statistics.fmean(spent[label]))}, median {ms(statistics.median(spent[label]))} over {len(spent[label])} (target <= {target} ms)"
            )
    print(
        f"round trip per answer:  median {ms(statistics.median(round_trips))}, p95 {ms(percentile(round_trips, 0.95))} (includes queueing behind other tablets)"
    )
    print(
        f"first screen: {first_total / 1024:.1f} KB on the wire, headers included (target <= 30 KB; Chromium's own count: bench/wire_bytes.py)"
    )
    for name, size in first_parts.items():
        print(f"  {name}: {size:,} bytes")
    for version in ("younger", "older"):
        if version in largest:
            size, question_id = largest[version]
            print(
                f"largest step of a whole {version} conversation ({largest[version + ' steps'][0]} answers): {size:,} bytes on the wire, after {question_id} (target <= 4 KB)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
