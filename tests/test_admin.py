"""Admins create and manage staff accounts."""

from sqlmodel import select

from voice_app.models import Role, StaffUser
from voice_app.passwords import verify_password


def _new(client, **overrides):
    form = {"display_name": "Priya Shah", "email": "priya@example.org", "role": "iro", "password": "a long enough password", "confirm": "a long enough password"}
    form.update(overrides)
    return client.post("/admin/staff/new", form)


def test_an_admin_creates_an_iro_who_can_then_sign_in(signed_in, make, db, client):
    admin = make.staff(Role.ADMIN)
    assert _new(signed_in(admin)).status_code == 302
    user = db.exec(select(StaffUser).where(StaffUser.email == "priya@example.org")).one()
    assert user.role == Role.IRO and verify_password(user.password_hash, "a long enough password")
    assert client.sign_in("priya@example.org", "a long enough password").status_code == 302


def test_short_passwords_and_duplicates_are_refused(signed_in, make):
    admin = make.staff(Role.ADMIN)
    client = signed_in(admin)
    short = _new(client, password="short", confirm="short")
    assert short.status_code == 422 and b"at least 12 characters" in short.data
    assert _new(client).status_code == 302
    again = _new(client, email="PRIYA@example.org")
    assert again.status_code == 422 and b"already an account" in again.data


def test_switch_off_and_lift_the_wait(signed_in, make, db):
    from datetime import timedelta

    from voice_app.models import utcnow

    admin = make.staff(Role.ADMIN)
    iro = make.staff(Role.IRO, locked_until=utcnow() + timedelta(minutes=10), failed_logins=0)
    client = signed_in(admin)
    assert b"Password only from known networks" in client.get("/admin/staff").data
    client.post(f"/admin/staff/{iro.id}/unlock")
    client.post(f"/admin/staff/{iro.id}/active")
    db.refresh(iro)
    assert iro.locked_until is None and iro.active is False


def test_admins_cannot_switch_themselves_off(signed_in, make, db):
    admin = make.staff(Role.ADMIN)
    client = signed_in(admin)
    client.post(f"/admin/staff/{admin.id}/active")
    db.refresh(admin)
    assert admin.active


def test_unknown_account_is_404(signed_in, make):
    assert signed_in(make.staff(Role.ADMIN)).post("/admin/staff/99999/active").status_code == 404


def test_a_temporary_password_must_be_changed_before_anything_else(signed_in, make, db, client):
    admin = make.staff(Role.ADMIN)
    _new(signed_in(admin))
    signed = client.sign_in("priya@example.org", "a long enough password")
    assert signed.status_code == 302
    for url in ("/caseload", "/reports/", "/children/1"):
        blocked = client.get(url)
        assert blocked.status_code == 302 and blocked.headers["Location"].endswith("/account/password"), url
    page = client.get("/account/password")
    assert page.status_code == 200 and b"Choose your own password" in page.data
    assert client.get("/healthz").status_code == 200
    changed = client.post("/account/password", {"current": "a long enough password", "new": "my very own password", "confirm": "my very own password"})
    assert changed.status_code == 302, changed.data[:300]
    db.expire_all()
    assert not db.exec(select(StaffUser).where(StaffUser.email == "priya@example.org")).one().must_change_password
    assert client.get("/caseload").status_code == 200


def test_people_who_set_their_own_password_are_not_asked_again(make, db):
    from voice_app.admin.services import create_staff_user

    user = create_staff_user(db, email="first-admin@example.org", display_name="First Admin", role=Role.ADMIN, password="chosen by themselves")
    assert not user.must_change_password  # voice-app create-user: the person typed it in themselves


def test_an_admin_gives_a_forgotten_password_a_temporary_one(signed_in, make, db, client):
    from datetime import timedelta

    from voice_app.models import utcnow

    admin_client = signed_in(make.staff(Role.ADMIN))
    iro = make.staff(Role.IRO)
    iro.locked_until, iro.failed_logins = utcnow() + timedelta(minutes=10), 5
    db.add(iro)
    db.commit()
    assert b"Temporary password" in admin_client.get("/admin/staff").data
    short = admin_client.post(f"/admin/staff/{iro.id}/password", {"password": "short", "confirm": "short"})
    assert short.status_code == 422 and b"at least 12 characters" in short.data
    mismatch = admin_client.post(f"/admin/staff/{iro.id}/password", {"password": "a temporary password", "confirm": "something else entirely"})
    assert mismatch.status_code == 422 and b"not the same" in mismatch.data
    done = admin_client.post(f"/admin/staff/{iro.id}/password", {"password": "a temporary password", "confirm": "a temporary password"})
    assert done.status_code == 302
    db.refresh(iro)
    assert iro.must_change_password and iro.locked_until is None and iro.failed_logins == 0
    assert verify_password(iro.password_hash, "a temporary password")
    assert client.sign_in(iro.email, "a temporary password").status_code == 302
    assert client.get("/caseload").headers["Location"].endswith("/account/password")


def test_an_admin_changes_their_own_password_on_their_account_page(signed_in, make):
    admin = make.staff(Role.ADMIN)
    response = signed_in(admin).get(f"/admin/staff/{admin.id}/password")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")
