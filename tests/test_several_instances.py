"""Several processes at once, for real: two `voice-app serve` instances on one PostgreSQL and one Redis, with
requests alternating between them as a load balancer without sticky sessions sends them; and the cron jobs
and `db upgrade` run twice at the same moment, as two machines would.

The pair of instances starts once for the module (each is gunicorn with one worker, in production mode,
behind a pretend HTTPS proxy on loopback). Nothing waits on a clock: a process is ready when its log says
it listens and its readiness check answers 200.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session, select

from bench.child_answers import answer_plan
from bench.tablets import hand_over_tablet
from tests.conftest import PASSWORD, POSTGRES_URL, WORKER, make_settings
from tests.mail_support import smtp_server  # noqa: F401 - fixture
from voice_app import create_app
from voice_app.crypto import new_key
from voice_app.db import make_engine, normalise_url
from voice_app.migrate import head_revision
from voice_app.models import Answer as AnswerRow
from voice_app.models import (
    AuditEvent,
    Child,
    OutboxEmail,
    OutboxStatus,
    PhoneDevice,
    Role,
    StaffUser,
    utcnow,
)
from voice_app.passwords import hash_password
from voice_app.phone.devices import start_pairing
from voice_app.security import CHILD_MODE_KEY

REDIS_URL = os.environ.get("VOICE_APP_TEST_REDIS_URL", "")
needs_postgres_and_redis = pytest.mark.skipif(
    not (POSTGRES_URL and REDIS_URL),
    reason="needs VOICE_APP_TEST_POSTGRES_URL and VOICE_APP_TEST_REDIS_URL (scripts/test starts both)",
)
# The two instances share one Redis (flushed when they start) and one database: keep the module on one worker.
pytestmark = pytest.mark.xdist_group("several_instances")
SECRET = "two-instances-share-this-secret-" + "x" * 16
KEYS = new_key("k1")
HOST = "voice.example.org"  # the service's public name, the same for both instances behind the proxy
PROCESS_TIMEOUT = 120  # seconds a command may take on a loaded two-core machine before the test fails


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fresh_postgres_database(name: str) -> str:
    """An empty PostgreSQL database beside the suite's one (dropped first if an earlier run left it)."""
    name = f"{name}_{WORKER}"  # each test worker its own, should two ever run at once
    admin = sa.create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return make_url(normalise_url(POSTGRES_URL)).set(database=name).render_as_string(hide_password=False)


def _environment(**variables: str) -> dict[str, str]:
    """This process's environment without any VOICE_APP_* setting, plus the ones given."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("VOICE_APP_")}
    env.update({f"VOICE_APP_{key}": value for key, value in variables.items()})
    return env


def _voice_app(*args: str) -> list[str]:
    return [sys.executable, "-m", "voice_app", *args]


def _run_twice_at_once(args: list[str], env: dict[str, str]) -> list[subprocess.CompletedProcess]:
    """Start the same command twice before either ends, as two machines' cron would; wait for both."""
    processes = [subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=PROCESS_TIMEOUT)
        results.append(subprocess.CompletedProcess(args, process.returncode, out, err))
    return results


# ----- two instances ------------------------------------------------------------------------------


class Instance:
    """One `voice-app serve` (gunicorn, one worker) in its own process group, its log lines kept as they come."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.lines: list[str] = []
        self.listening = threading.Event()
        self.process = subprocess.Popen(
            _voice_app("serve", "--server", "gunicorn", "--workers", "1", "--threads", "4", "--port", str(self.port)),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # so killing the instance kills its worker too
        )
        threading.Thread(target=self._read_log, daemon=True).start()

    def _read_log(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line)
            if "Listening at" in line:
                self.listening.set()
        self.listening.set()  # the process ended: stop waiting

    def wait_until_ready(self) -> None:
        assert self.listening.wait(timeout=PROCESS_TIMEOUT), "the instance never said it listens"
        assert self.process.poll() is None, "".join(self.lines[-30:])
        # The master holds the socket from now on: this request waits in its queue until the worker has loaded.
        status, _location, body = Browser().request(self, "GET", "/readyz", timeout=PROCESS_TIMEOUT)
        assert status == 200, body

    def kill(self) -> None:
        """SIGKILL, master and worker: no goodbye, no finishing the request in hand."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=PROCESS_TIMEOUT)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=PROCESS_TIMEOUT)


class Browser:
    """One browser behind the council's HTTPS proxy (loopback, the trusted proxy): it keeps cookies, sends CSRF tokens."""

    def __init__(self, address: str = "198.51.100.7") -> None:
        self.address = address
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(
        self,
        instance: Instance,
        method: str,
        path: str,
        form: dict | None = None,
        headers: dict | None = None,
        timeout: float = 30,
    ):
        connection = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=timeout)
        # The proxy's view: one public name for both instances, https, and the visitor's address.
        sent = {
            "Host": HOST,
            "Referer": f"https://{HOST}/",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({"csrf_token": self.csrf, **form})
            sent.update({"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": self.csrf})
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie, _, rest = value.partition(";")
                key, _, cookie_value = cookie.partition("=")
                if cookie_value and "1970" not in rest and "max-age=0" not in rest.lower():
                    self.cookies[key.strip()] = cookie_value
                else:
                    self.cookies.pop(key.strip(), None)
        token = re.search(r'name="csrf-token" content="([^"]+)"', text) or re.search(
            r'name="csrf_token" type="hidden" value="([^"]+)"', text
        )
        if token:
            self.csrf = token.group(1)
        return response.status, response.getheader("Location"), text


@pytest.fixture(scope="module")
def service():
    """A migrated PostgreSQL, a clean Redis, an IRO or two, and two production instances serving them."""
    if not (POSTGRES_URL and REDIS_URL):
        pytest.skip("needs VOICE_APP_TEST_POSTGRES_URL and VOICE_APP_TEST_REDIS_URL (scripts/test starts both)")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    url = _fresh_postgres_database("voice_two_instances")
    env = _environment(
        ENV="production",
        SECRET_KEY=SECRET,
        ENCRYPTION_KEYS=KEYS,
        DATABASE_URL=url,
        RATE_LIMIT_STORAGE_URI=REDIS_URL,
        TRUSTED_PROXY="127.0.0.1",
        INSTANCES="2",
        LOG_FORMAT="json",
    )
    upgraded = subprocess.run(_voice_app("db", "upgrade"), env=env, capture_output=True, text=True, timeout=PROCESS_TIMEOUT)
    assert upgraded.returncode == 0, upgraded.stderr
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        password = hash_password(PASSWORD)
        for n in range(3):
            db.add(StaffUser(email=f"iro{n}@example.org", display_name=f"IRO {n}", role=Role.IRO, password_hash=password))
        db.commit()
    instances = [Instance(env), Instance(env)]
    try:
        for instance in instances:
            instance.wait_until_ready()
        yield {"url": url, "engine": engine, "a": instances[0], "b": instances[1]}
    finally:
        for instance in instances:
            instance.stop()
        engine.dispose()


def _sign_in(browser: Browser, first: Instance, second: Instance, email: str, password: str = PASSWORD):
    browser.request(first, "GET", "/sign-in")
    return browser.request(second, "POST", "/sign-in", {"email": email, "password": password})


@needs_postgres_and_redis
def test_an_iro_signs_in_on_one_works_on_the_other_and_signing_out_on_one_ends_both(service):
    a, b = service["a"], service["b"]
    iro = Browser("198.51.100.10")
    status, location, _ = _sign_in(iro, a, b, "iro0@example.org")
    assert status == 302 and "/sign-in" not in location
    for instance in (a, b, a, b):
        status, _, page = iro.request(instance, "GET", "/caseload")
        assert status == 200 and "IRO 0" in page
    status, _, _ = iro.request(b, "POST", "/sign-out", {})
    assert status == 302
    for instance in (a, b):
        status, location, _ = iro.request(instance, "GET", "/caseload")
        assert status == 302 and "/sign-in" in location


@needs_postgres_and_redis
def test_the_sign_in_rate_limit_counts_tries_made_on_both(service):
    a, b = service["a"], service["b"]
    visitor = Browser("198.51.100.20")
    visitor.request(a, "GET", "/sign-in")
    # 20 tries a minute from one address, wherever they land: ten on each instance use it up.
    for n in range(20):
        status, _, page = visitor.request(
            (a, b)[n % 2], "POST", "/sign-in", {"email": f"nobody{n}@example.org", "password": "wrong password"}
        )
        assert status in (422, 429) and "Too many tries" not in page
    status, _, page = visitor.request(a, "POST", "/sign-in", {"email": "nobody@example.org", "password": "wrong password"})
    assert status == 429 and "Too many tries" in page


@needs_postgres_and_redis
def test_an_accounts_sign_in_throttle_counts_tries_made_on_both(service):
    a, b = service["a"], service["b"]
    guesser = Browser("198.51.100.30")
    for n in range(5):  # five wrong passwords from one address, alternating between the instances
        status, _, _ = _sign_in(guesser, a, (a, b)[n % 2], "iro1@example.org", "not the password")
        assert status == 422
    status, _, page = _sign_in(guesser, a, b, "iro1@example.org")
    assert status == 429 and "several tries" in page  # that address now waits, on either instance
    # The owner, from an address that has not been failing, still signs in: nobody else can lock them out.
    status, _, _ = _sign_in(Browser("198.51.100.40"), b, a, "iro1@example.org")
    assert status == 302


@needs_postgres_and_redis
def test_a_phones_picture_lock_counts_tries_made_on_both(service):
    a, b, engine = service["a"], service["b"], service["engine"]
    with Session(engine, expire_on_commit=False) as db:
        iro = db.exec(select(StaffUser).where(StaffUser.email == "iro2@example.org")).one()
        child = Child(
            preferred_name="Sam", case_reference="TWO-PHONE", date_of_birth=date(2017, 1, 1), iro_id=iro.id, cared_for=True
        )
        db.add(child)
        db.commit()
        code = start_pairing(db, child=child, user=iro, minutes=10)[1]
    phone = Browser("198.51.100.50")
    phone.request(a, "GET", "/phone/join")
    assert phone.request(b, "POST", "/phone/join", {"code": code})[0] == 302
    phone.request(a, "GET", "/phone/secret?kind=pictures")
    chosen = phone.request(
        b, "POST", "/phone/secret?kind=pictures", {"picture1": "football", "picture2": "music", "picture3": "pet"}
    )
    assert chosen[0] == 302 and chosen[1].endswith("/phone/")
    phone.request(a, "GET", "/phone/exit")  # the quick exit locks the phone
    phone.request(b, "GET", "/phone/unlock")
    wrong = {"picture1": "pet", "picture2": "music", "picture3": "football"}
    statuses = [phone.request((a, b)[n % 2], "POST", "/phone/unlock", wrong)[0] for n in range(5)]
    assert statuses == [422, 422, 422, 422, 429]  # the fifth wrong try locks, counting tries on both
    right = {"picture1": "football", "picture2": "music", "picture3": "pet"}
    assert phone.request(a, "POST", "/phone/unlock", right)[0] == 429  # locked on the other instance too


@needs_postgres_and_redis
def test_every_log_line_of_a_request_carries_the_proxys_request_id(service):
    a = service["a"]
    status, _, _ = Browser().request(a, "GET", "/readyz", headers={"X-Request-ID": "lb-0123456789abcdef"})
    assert status == 200
    # The line is written before the response is sent, and the reader thread keeps up: look for it.
    assert any('"request_id": "lb-0123456789abcdef"' in line and "/readyz" in line for line in list(a.lines)) or _log_has(
        a, "lb-0123456789abcdef"
    )


def _log_has(instance: Instance, text: str) -> bool:
    """Ask once more (a request's log line can reach the pipe a moment after its response)."""
    Browser().request(instance, "GET", "/healthz")
    return any(text in line for line in list(instance.lines))


def _hand_over_tablet(engine) -> tuple[int, dict, Child]:
    with Session(engine, expire_on_commit=False) as db:
        iro = db.exec(select(StaffUser).where(StaffUser.email == "iro2@example.org")).one()
        return hand_over_tablet(db, iro=iro, reference="TWO-TABLET", name="Ava")


def _stored_answers(engine, statement_id: int) -> list[str]:
    with Session(engine) as db:
        return list(
            db.exec(select(AnswerRow.question_id).where(AnswerRow.statement_id == statement_id).order_by(AnswerRow.id)).all()
        )


@needs_postgres_and_redis
def test_a_childs_answers_survive_one_instance_killed_in_the_middle_of_a_step(service):
    """Last in the module: it kills instance a."""
    a, b, engine = service["a"], service["b"], service["engine"]
    statement_id, state, child = _hand_over_tablet(engine)
    plan = answer_plan(child, ids="pair")[:10]
    signer = create_app(settings=make_settings("sqlite://", secret_key=SECRET))  # the same secret signs the tablet's session
    tablet = Browser("198.51.100.60")
    tablet.cookies["voice_app_session"] = signer.session_interface.get_signing_serializer(signer).dumps({CHILD_MODE_KEY: state})
    path = f"/child/statements/{statement_id}"
    assert tablet.request(a, "GET", path)[0] == 200
    acknowledged: list[str] = []
    for n, (question_id, fields) in enumerate(plan[:6]):  # alternately on both, as the load balancer sends them
        status, _, _ = tablet.request((a, b)[n % 2], "POST", f"{path}/questions/{question_id}", fields, {"HX-Request": "true"})
        assert status == 200
        acknowledged.append(question_id)
    # The fifth answer's acknowledgement "was lost": the tablet sends it again, to the other instance. Stored once.
    question_id, fields = plan[4]
    assert tablet.request(b, "POST", f"{path}/questions/{question_id}", fields, {"HX-Request": "true"})[0] == 200

    # The seventh step reaches a, which dies half way through reading it.
    question_id, fields = plan[6]
    body = urlencode({"csrf_token": tablet.csrf, **fields}).encode()
    half_sent = socket.create_connection(("127.0.0.1", a.port), timeout=30)
    head = (
        f"POST {path}/questions/{question_id} HTTP/1.1\r\nHost: {HOST}\r\nReferer: https://{HOST}/\r\nX-Forwarded-Proto: https\r\nX-Forwarded-For: {tablet.address}\r\n"
        f"Cookie: voice_app_session={tablet.cookies['voice_app_session']}\r\nX-CSRFToken: {tablet.csrf}\r\nHX-Request: true\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    half_sent.sendall(head.encode() + body[: len(body) // 2])
    a.kill()
    try:
        reply = half_sent.recv(1024)
    except ConnectionResetError:
        reply = b""
    assert reply == b""  # the connection closed or reset without an acknowledgement: the tablet sends the step again
    half_sent.close()

    # The tablet carries on against the instance that is left, from the unacknowledged step.
    for question_id, fields in plan[6:]:
        status, _, _ = tablet.request(b, "POST", f"{path}/questions/{question_id}", fields, {"HX-Request": "true"})
        assert status == 200
        acknowledged.append(question_id)
    assert _stored_answers(engine, statement_id) == acknowledged == [question_id for question_id, _ in plan]


# ----- commands run twice at once -----------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_db_upgrades_at_once_on_an_empty_database_upgrade_once(backend, tmp_path):
    if backend == "postgresql" and not POSTGRES_URL:
        pytest.skip("needs VOICE_APP_TEST_POSTGRES_URL")
    url = _fresh_postgres_database("voice_upgrade_twice") if backend == "postgresql" else f"sqlite:///{tmp_path / 'twice.db'}"
    results = _run_twice_at_once(_voice_app("db", "upgrade"), _environment(DATABASE_URL=url))
    for result in results:
        assert result.returncode == 0, result.stderr
        assert f"Database is at revision {head_revision()}." in result.stdout
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all() == [head_revision()]
    engine.dispose()


def test_two_mail_senders_at_once_send_each_of_ten_messages_once(app, database_url, smtp_server):  # noqa: F811 - fixture
    with Session(app.extensions["voice_app_engine"]) as db:
        for n in range(10):
            db.add(
                OutboxEmail(
                    kind="test", to_address=f"person{n}@example.org", subject=f"Message {n}", text_body="Sign in to read it."
                )
            )
        db.commit()
    env = _environment(
        ENV="test",
        DATABASE_URL=database_url,
        SMTP_HOST=smtp_server.host,
        SMTP_PORT=str(smtp_server.port),
        SMTP_SECURITY="none",
        MAIL_FROM="voice-app@example.org",
    )
    results = _run_twice_at_once(_voice_app("mail", "send-due"), env)
    assert [result.returncode for result in results] == [0, 0], [result.stderr for result in results]
    assert sorted(message["Subject"] for message in smtp_server.received) == sorted(f"Message {n}" for n in range(10))
    with Session(app.extensions["voice_app_engine"]) as db:
        emails = db.exec(select(OutboxEmail)).all()
        assert {(email.status, email.attempts) for email in emails} == {(OutboxStatus.SENT, 1)}


def test_two_phone_sweeps_at_once_end_each_phone_once(app, database_url, make):
    iro = make.staff(Role.IRO)
    long_ago = utcnow() - timedelta(days=200)
    with Session(app.extensions["voice_app_engine"]) as db:
        for n in range(6):
            child = make.child(iro, cared_for=True)
            db.add(PhoneDevice(child_id=child.id, created_by_id=iro.id, credential_hash=f"{n:064d}", last_used_at=long_ago))
        db.commit()
    results = _run_twice_at_once(_voice_app("phones", "sweep"), _environment(ENV="test", DATABASE_URL=database_url))
    ended = [int(re.search(r"Phones ended: (\d+)", result.stdout).group(1)) for result in results]
    assert sum(ended) == 6, [result.stderr for result in results]
    with Session(app.extensions["voice_app_engine"]) as db:
        audited = db.exec(select(AuditEvent.detail).where(AuditEvent.action == "phone.ended.unused")).all()
        assert sorted(audited) == sorted(set(audited)) and len(audited) == 6


def test_two_retention_runs_at_once_dispose_of_each_record_once(app, database_url, make):
    iro = make.staff(Role.IRO)
    # Records kept until the 75th anniversary of birth, long past, and closed: due today.
    children = [make.child(iro, date_of_birth=date(1940, 1, 1), active=False, cared_for=True) for _ in range(3)]
    results = _run_twice_at_once(_voice_app("retention", "--apply"), _environment(ENV="test", DATABASE_URL=database_url))
    assert [result.returncode for result in results] == [0, 0], [result.stderr for result in results]
    # One run did it all; the other, taking its turn after, found nothing due.
    assert sorted("Nothing is due" in result.stdout for result in results) == [False, True]
    with Session(app.extensions["voice_app_engine"]) as db:
        audited = db.exec(select(AuditEvent.child_id).where(AuditEvent.action == "records.retention_anonymised")).all()
        assert sorted(audited) == sorted(child.id for child in children)
