"""Sign-in that bounds guessing without handing anyone a lock (issue 28; the bound is in docs/security.md).

Wrong passwords slow the address sending them, never the owner signing in from elsewhere; past ACCOUNT_BOUND
failures from all addresses together, a password works only from an address the account signed in from before.
Every test moves its own clock (`now=`): nothing depends on how fast the machine is.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from tests.conftest import PASSWORD, Client
from tests.mail_support import mail_settings, smtp_server  # noqa: F401 - fixture
from voice_app import create_app
from voice_app.auth.routes import wait_words
from voice_app.auth.services import FAILED_TRIES_EMAIL, attempt_sign_in
from voice_app.auth.throttle import ACCOUNT_BOUND, ACCOUNT_MEMORY, ALERT_AFTER, Limits
from voice_app.models import OutboxEmail, Role, utcnow

LIMITS = Limits(free_failures=5, longest_wait=timedelta(minutes=15))
OWNER_HOME = "198.51.100.7"
ATTACKER = "203.0.113.9"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = utcnow()

    def tick(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def try_sign_in(app, db, clock):
    """try_sign_in(email, password, address) -> SignInResult, at the clock's time, one second after the last try."""

    def _try(email: str, password: str, address: str):
        clock.tick(seconds=1)
        with app.app_context():
            return attempt_sign_in(
                db, email=email, password=password, address=address, secret=app.secret_key, limits=LIMITS, now=clock.now
            )

    return _try


def botnet(try_sign_in, email: str, tries: int, *, start: int = 0) -> None:
    """Wrong passwords for one email from `tries` different addresses, one each (so no address ever waits)."""
    for n in range(start, start + tries):
        result = try_sign_in(email, "wrong password", f"10.{n // 65536}.{n // 256 % 256}.{n % 256}")
        assert result.user is None


def test_wrong_passwords_from_one_address_never_keep_the_owner_out_from_another(app, make):
    iro = make.staff(Role.IRO)
    attacker, owner = Client(app.test_client()), Client(app.test_client())
    for _ in range(30):
        last = attacker.post(
            "/sign-in", {"email": iro.email, "password": "wrong password"}, environ_base={"REMOTE_ADDR": ATTACKER}
        )
    assert last.status_code == 429 and "Wait" in last.get_data(as_text=True)
    signed_in = owner.post("/sign-in", {"email": iro.email, "password": PASSWORD}, environ_base={"REMOTE_ADDR": OWNER_HOME})
    assert signed_in.status_code == 302 and "/sign-in" not in signed_in.headers["Location"]


def test_the_failing_address_itself_waits_and_the_wait_passes(make, try_sign_in, clock):
    iro = make.staff(Role.IRO)
    for _ in range(LIMITS.free_failures):
        assert try_sign_in(iro.email, "wrong password", ATTACKER).wait == timedelta(0)
    waiting = try_sign_in(iro.email, PASSWORD, ATTACKER)
    assert waiting.user is None and waiting.wait > timedelta(0)  # even the right password waits from there
    clock.tick(seconds=11)
    assert try_sign_in(iro.email, PASSWORD, ATTACKER).user is not None


def test_past_the_bound_a_password_works_only_where_the_account_signed_in_before(make, try_sign_in, clock):
    iro = make.staff(Role.IRO)
    assert try_sign_in(iro.email, PASSWORD, OWNER_HOME).user is not None  # the owner's usual network
    botnet(try_sign_in, iro.email, ACCOUNT_BOUND)
    elsewhere = try_sign_in(iro.email, PASSWORD, "192.0.2.50")
    assert elsewhere.user is None and elsewhere.wait > timedelta(hours=23)
    assert try_sign_in(iro.email, "a guess", "192.0.2.51").wait > timedelta(0)  # no more guesses checked at all
    assert try_sign_in(iro.email, PASSWORD, OWNER_HOME).user is not None  # the owner still gets in
    assert try_sign_in(iro.email, PASSWORD, "192.0.2.50").user is not None  # and a right password clears the count


def test_the_account_count_is_forgotten_a_day_after_the_last_failure(make, try_sign_in, clock):
    iro = make.staff(Role.IRO)
    botnet(try_sign_in, iro.email, ACCOUNT_BOUND)
    assert try_sign_in(iro.email, PASSWORD, "192.0.2.50").user is None
    clock.tick(seconds=int(ACCOUNT_MEMORY.total_seconds()))
    assert try_sign_in(iro.email, PASSWORD, "192.0.2.50").user is not None


def test_below_the_bound_many_addresses_failing_do_not_stop_the_owner(make, try_sign_in):
    iro = make.staff(Role.IRO)
    botnet(try_sign_in, iro.email, ACCOUNT_BOUND - 1)
    assert try_sign_in(iro.email, PASSWORD, "192.0.2.50").user is not None  # a network never used before


def test_an_unknown_email_past_the_bound_answers_like_a_real_one(make, try_sign_in):
    iro = make.staff(Role.IRO)
    for n in range(ACCOUNT_BOUND):  # the same tries for both, side by side
        for email in (iro.email, "ghost@example.org"):
            botnet(try_sign_in, email, 1, start=n)
    answers = [try_sign_in(email, PASSWORD, "192.0.2.60") for email in (iro.email, "ghost@example.org")]
    assert all(a.user is None for a in answers)
    assert wait_words(answers[0].wait) == wait_words(answers[1].wait) == "about 24 hours"


def test_an_admin_lifts_the_limit(app, make, signed_in, try_sign_in):
    iro = make.staff(Role.IRO)
    botnet(try_sign_in, iro.email, ACCOUNT_BOUND)
    admin = signed_in(make.staff(Role.ADMIN))
    assert "Password only from known networks" in admin.get("/admin/staff").get_data(as_text=True)
    admin.post(f"/admin/staff/{iro.id}/unlock")
    assert try_sign_in(iro.email, PASSWORD, "192.0.2.50").user is not None


def test_the_owner_is_emailed_once_per_burst_not_per_try(database_url, smtp_server):  # noqa: F811 - fixture
    app = create_app(settings=mail_settings(database_url, smtp_server))
    clock = Clock()
    try:
        with Session(app.extensions["voice_app_engine"], expire_on_commit=False) as db:
            from tests.factories import Factory

            iro = Factory(db, password=PASSWORD).staff(Role.IRO)

            def attempt(password: str, address: str):
                clock.tick(seconds=1)
                with app.app_context():
                    return attempt_sign_in(
                        db,
                        email=iro.email,
                        password=password,
                        address=address,
                        secret=app.secret_key,
                        limits=LIMITS,
                        now=clock.now,
                    )

            def warnings() -> list[OutboxEmail]:
                return list(db.exec(select(OutboxEmail).where(OutboxEmail.kind == FAILED_TRIES_EMAIL)).all())

            for n in range(ALERT_AFTER - 1):
                attempt("wrong password", f"10.0.0.{n}")
            assert warnings() == []
            for n in range(ALERT_AFTER - 1, ALERT_AFTER + 20):
                attempt("wrong password", f"10.0.0.{n}")
            told = warnings()
            assert len(told) == 1 and told[0].to_address == iro.email
            assert "wrong password" in told[0].text_body and "still sign in" in told[0].text_body
            assert "10.0.0." not in told[0].text_body  # no addresses in an email
            for n in range(ALERT_AFTER + 20, ACCOUNT_BOUND):
                attempt("wrong password", f"10.0.{n}.1")
            assert len(warnings()) == 2  # and once more when the bound is reached
            assert attempt(PASSWORD, OWNER_HOME).user is None  # never signed in from there: past the bound
    finally:
        app.extensions["voice_app_engine"].dispose()


def test_the_owner_is_emailed_when_wrong_codes_follow_their_right_password(database_url, smtp_server):  # noqa: F811
    """Wrong codes after a right password mean someone knows it: the owner hears once per burst (issue 28)."""
    from datetime import UTC, datetime

    from tests.factories import Factory
    from voice_app.mfa import totp
    from voice_app.mfa.services import Factor, check_code
    from voice_app.models import AuthenticatorApp

    app = create_app(settings=mail_settings(database_url, smtp_server))
    clock = Clock()
    try:
        with Session(app.extensions["voice_app_engine"], expire_on_commit=False) as db:
            iro = Factory(db, password=PASSWORD).staff(Role.IRO)
            db.add(AuthenticatorApp(user_id=iro.id, secret=totp.new_secret(), confirmed_at=datetime.now(UTC)))
            db.commit()

            def wrong_code(address: str) -> None:
                clock.tick(seconds=1)
                with app.app_context():
                    check_code(db, user=iro, code="abcdef", factor=Factor.TOTP, address=address, secret=app.secret_key, limits=LIMITS, now=clock.now)

            def warnings() -> list[OutboxEmail]:
                return list(db.exec(select(OutboxEmail).where(OutboxEmail.kind == FAILED_TRIES_EMAIL)).all())

            for n in range(ALERT_AFTER - 1):
                wrong_code(f"10.0.0.{n}")
            assert warnings() == []
            for n in range(ALERT_AFTER - 1, ALERT_AFTER + 20):
                wrong_code(f"10.0.0.{n}")
            (told,) = warnings()
            assert told.to_address == iro.email and "knows your password" in told.text_body and "10.0.0." not in told.text_body
    finally:
        app.extensions["voice_app_engine"].dispose()
