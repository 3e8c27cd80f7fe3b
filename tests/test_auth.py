"""Staff sign-in: passwords, waits after failures, sessions and sign-out."""

from datetime import timedelta

from tests.conftest import PASSWORD
from voice_app.models import Role, utcnow
from voice_app.passwords import verify_password


def test_passwords_are_hashed_with_argon2id(make):
    user = make.staff()
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, PASSWORD)
    assert not verify_password(user.password_hash, "wrong")


def test_sign_in_lands_an_iro_on_their_caseload(client, make):
    iro = make.staff(Role.IRO)
    response = client.sign_in(iro.email)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/caseload")


def test_sign_in_ignores_email_case_and_spaces(client, make):
    make.staff(Role.IRO, email="jo.reviewer@example.org")
    assert client.sign_in("  Jo.Reviewer@Example.org ").status_code == 302


def test_admin_lands_on_staff_accounts(client, make):
    admin = make.staff(Role.ADMIN)
    assert client.sign_in(admin.email).headers["Location"].endswith("/admin/staff")


def test_wrong_password_gives_one_kind_message_for_any_mistake(client, make):
    iro = make.staff()
    wrong_password = client.sign_in(iro.email, "not the password")
    unknown_email = client.sign_in("nobody@example.org", "whatever it is")
    for response in (wrong_password, unknown_email):
        assert response.status_code == 422
        assert b"The email address or password is not right" in response.data


def test_repeated_wrong_passwords_make_the_next_try_wait(client, make, db):
    iro = make.staff()
    for _ in range(5):
        client.sign_in(iro.email, "wrong password")
    waiting = client.sign_in(iro.email)  # even the right password waits, for a few seconds, not a lock
    assert waiting.status_code == 429
    assert b"Wait 10 seconds" in waiting.data or b"Wait 9 seconds" in waiting.data
    db.refresh(iro)
    assert iro.locked_until is None  # only this address waits: the account itself is not held (tests/test_sign_in_throttle.py)


def test_lock_expires(client, make, db):
    iro = make.staff(locked_until=utcnow() - timedelta(minutes=1))
    assert client.sign_in(iro.email).status_code == 302


def test_a_success_resets_the_failure_count(client, make, db):
    iro = make.staff()
    for _ in range(4):
        client.sign_in(iro.email, "wrong password")
    assert client.sign_in(iro.email).status_code == 302
    db.refresh(iro)
    assert iro.failed_logins == 0


def test_switched_off_accounts_cannot_sign_in(client, make):
    user = make.staff(active=False)
    assert client.sign_in(user.email).status_code == 422


def test_switching_an_account_off_ends_its_sessions(signed_in, make, db):
    iro = make.staff()
    client = signed_in(iro)
    iro.active = False
    db.add(iro)
    db.commit()
    assert client.get("/caseload").status_code == 302


def test_sign_out_ends_the_session(signed_in, make):
    client = signed_in(make.staff())
    assert client.get("/caseload").status_code == 200
    assert client.post("/sign-out").status_code == 302
    response = client.get("/caseload")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_sign_in_only_redirects_to_paths_on_this_site(client, make):
    iro = make.staff()
    response = client.post("/sign-in?next=https://evil.example/", {"email": iro.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/caseload")


def test_weak_old_hashes_are_upgraded_on_sign_in(client, make, db):
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    iro = make.staff(password_hash=weak)
    assert client.sign_in(iro.email).status_code == 302
    db.refresh(iro)
    assert iro.password_hash != weak and verify_password(iro.password_hash, PASSWORD)


def test_session_cookie_is_secure_httponly_and_samesite(client, make):
    iro = make.staff()
    response = client.sign_in(iro.email)
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("voice_app_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_rate_limit_slows_floods(database_url, make):
    from tests.conftest import Client, make_settings
    from voice_app import create_app

    app = create_app(settings=make_settings(database_url, rate_limits_enabled=True))
    client = Client(app.test_client())
    codes = [client.sign_in("nobody@example.org", "guess number one").status_code for _ in range(22)]
    assert codes[0] == 422 and codes[-1] == 429
    app.extensions["voice_app_engine"].dispose()


def test_change_password(signed_in, make, client):
    iro = make.staff()
    staff_client = signed_in(iro)
    wrong = staff_client.post("/account/password", {"current": "nope", "new": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert wrong.status_code == 422 and b"current password is not right" in wrong.data
    ok = staff_client.post("/account/password", {"current": PASSWORD, "new": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert ok.status_code == 302
    assert client.sign_in(iro.email, "a brand new passphrase").status_code == 302


def test_credits_page_is_public(client):
    response = client.get("/credits")
    assert response.status_code == 200 and b"Fluent Emoji" in response.data
