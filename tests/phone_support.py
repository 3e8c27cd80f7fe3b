"""Helpers for the child's phone: join a phone like a child does, through the real pages."""

from __future__ import annotations

from tests.conftest import Client
from voice_app.models import Child, StaffUser
from voice_app.phone.devices import start_pairing

PICTURES = ["football", "music", "pet"]


def new_code(db, *, child: Child, iro: StaffUser, minutes: int = 10) -> str:
    return start_pairing(db, child=child, user=iro, minutes=minutes)[1]


def join_phone(app, db, *, child: Child, iro: StaffUser, pictures: list[str] = PICTURES) -> Client:
    """A fresh browser that joins with a new code and chooses a picture secret: unlocked, on the phone's home."""
    phone = Client(app.test_client())
    phone.get("/phone/join")
    joined = phone.post("/phone/join", {"code": new_code(db, child=child, iro=iro)})
    assert joined.status_code == 302 and joined.headers["Location"].endswith("/phone/secret"), joined.status_code
    phone.get("/phone/secret?kind=pictures")
    chosen = phone.post("/phone/secret?kind=pictures", {f"picture{n}": name for n, name in enumerate(pictures, 1)})
    assert chosen.status_code == 302 and chosen.headers["Location"].endswith("/phone/"), chosen.get_data(as_text=True)[:300]
    return phone


def tell(phone: Client, kind: str = "wrong", **fields):
    """Send one message from the phone's form (with a fresh client id unless given)."""
    page = phone.get(f"/phone/tell/{kind}")
    import re

    client_id = re.search(rb'name="client_id" value="([0-9a-f]+)"', page.data).group(1).decode()
    data = {"client_id": client_id, **fields}
    return phone.post(f"/phone/tell/{kind}", data)
