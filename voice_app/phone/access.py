"""The phone's own kind of access: a device cookie (long-lived, hashed server-side) plus an unlock that expires."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Response, current_app, request, session

from voice_app.cookies import cookies_secure
from voice_app.models import PhoneDevice, utcnow

DEVICE_COOKIE = "voice_phone"
DEVICE_COOKIE_DAYS = 400  # the longest browsers keep a cookie; the phone also ends after the service's unused period
UNLOCK_KEY = "phone_unlocked"
PHONE_PATH = "/phone"
CHILD_PATH = "/child"  # a copy while the child gets ready for a meeting on the phone (phone/conversation.py)


def device_cookie() -> str | None:
    return request.cookies.get(DEVICE_COOKIE)


def set_device_cookie(response: Response, credential: str, *, path: str = PHONE_PATH) -> None:
    settings = current_app.config["VOICE_APP"]
    response.set_cookie(
        DEVICE_COOKIE,
        credential,
        max_age=int(timedelta(days=DEVICE_COOKIE_DAYS).total_seconds()),
        path=path,
        secure=cookies_secure(settings=settings, scheme=request.scheme, host=request.host),
        httponly=True,
        samesite="Strict",
    )


def forget_device(response: Response) -> None:
    for path in (PHONE_PATH, CHILD_PATH):
        response.delete_cookie(DEVICE_COOKIE, path=path)
    session.pop(UNLOCK_KEY, None)


def is_unlocked(device: PhoneDevice, *, now: datetime | None = None) -> bool:
    """Whether the child gave their secret on this phone recently enough (the unlock slides with use)."""
    state = session.get(UNLOCK_KEY)
    if not isinstance(state, dict) or state.get("device") != device.id:
        return False
    try:
        until = datetime.fromisoformat(state.get("until", ""))
    except (TypeError, ValueError):
        return False
    return (now or utcnow()) < until


def unlock(device: PhoneDevice, *, now: datetime | None = None) -> None:
    """Unlocked for the service's unlock period from now; each use moves it on."""
    minutes = current_app.config["VOICE_APP"].phone_unlock_minutes
    session[UNLOCK_KEY] = {"device": device.id, "until": ((now or utcnow()) + timedelta(minutes=minutes)).isoformat()}


def lock() -> None:
    session.pop(UNLOCK_KEY, None)
