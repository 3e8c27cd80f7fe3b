"""Reading and saving IRO profiles and the service's contact details."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlmodel import Session, col, select

from voice_app.models import Child, IntroLetter, IroProfile, ServiceContact, StaffUser, utcnow
from voice_app.photos import clean_photo

ABOUT_MAX = 400
# Symbols that make no sense as "a picture of me".
NOT_FOR_PROFILES = frozenset({"favicon", "skip", "stop", "back", "change", "lock", "not-wanted", "dont-say", "dont-mind"})


@lru_cache(maxsize=1)
def profile_symbols() -> tuple[str, ...]:
    """The symbols an IRO may choose as their picture: the shipped set, minus controls."""
    from voice_app.config import PROJECT_ROOT

    names = sorted(path.stem for path in (PROJECT_ROOT / "static" / "icons").glob("*.svg"))
    return tuple(name for name in names if name not in NOT_FOR_PROFILES)


@dataclass(frozen=True)
class ProfileView:
    """What a child (or a letter) shows of an IRO."""

    staff_id: int
    first_name: str
    about: str
    symbol: str
    has_photo: bool


def first_name_of(staff: StaffUser) -> str:
    return (staff.display_name.split() or [""])[0]


def profile_view(db: Session, *, staff: StaffUser, language: str | None = None) -> ProfileView:
    """The IRO's profile (their lines in this language when the service has written them), or a plain one."""
    saved = db.get(IroProfile, staff.id)
    if saved is None:
        return ProfileView(staff.id, first_name_of(staff), "", "iro", False)
    about = (saved.about_translations or {}).get(language or "", "") or saved.about
    return ProfileView(staff.id, saved.first_name or first_name_of(staff), about, saved.symbol or "iro", saved.photo is not None)


def iro_for_child(db: Session, *, child: Child, fallback: StaffUser | None = None) -> StaffUser | None:
    """The child's allocated IRO, or whoever handed the tablet over if the child has none."""
    if child.iro_id is not None:
        allocated = db.get(StaffUser, child.iro_id)
        if allocated is not None:
            return allocated
    return fallback


def _profile(db: Session, staff: StaffUser) -> IroProfile:
    return db.get(IroProfile, staff.id) or IroProfile(staff_id=staff.id, first_name=first_name_of(staff))


def save_profile(
    db: Session, *, staff: StaffUser, first_name: str, about: str, symbol: str, use_photo: bool, translations: dict[str, str] | None = None
) -> IroProfile:
    """Save the words (and their translations) and the picture choice; choosing a symbol forgets any photo."""
    if symbol not in profile_symbols():
        raise ValueError("unknown symbol")
    profile = _profile(db, staff)
    profile.first_name = first_name.strip()
    profile.about = about.strip()[:ABOUT_MAX]
    profile.about_translations = {code: text.strip()[:ABOUT_MAX] for code, text in (translations or {}).items() if text and text.strip()}
    profile.symbol = symbol
    if not use_photo:
        profile.photo = None
    profile.updated_at = utcnow()
    db.add(profile)
    db.commit()
    return profile


def save_photo(db: Session, *, staff: StaffUser, data: bytes) -> IroProfile:
    """Check and re-encode an uploaded photo, then keep it as the IRO's picture (raises PhotoProblem)."""
    cleaned = clean_photo(data)
    profile = _profile(db, staff)
    profile.photo = cleaned
    profile.updated_at = utcnow()
    db.add(profile)
    db.commit()
    return profile


def photo_of(db: Session, *, staff_id: int) -> bytes | None:
    saved = db.get(IroProfile, staff_id)
    return saved.photo if saved else None


def service_contact(db: Session) -> ServiceContact:
    """The service's phone, text and email (blank until an admin sets them)."""
    return db.get(ServiceContact, 1) or ServiceContact()


def save_service_contact(db: Session, *, phone: str, text: str, email: str) -> ServiceContact:
    contact = db.get(ServiceContact, 1) or ServiceContact(id=1)
    contact.phone, contact.text, contact.email = phone.strip(), text.strip(), email.strip()
    contact.updated_at = utcnow()
    db.add(contact)
    db.commit()
    return contact


def record_letter_given(db: Session, *, child: Child, given_on, by: StaffUser) -> IntroLetter:
    """Record the day a child was given the letter telling them who their IRO is."""
    iro = iro_for_child(db, child=child, fallback=by)
    letter = IntroLetter(child_id=child.id, iro_id=iro.id, given_on=given_on, recorded_by_id=by.id)
    db.add(letter)
    db.commit()
    return letter


def letters_given(db: Session, *, child_id: int) -> list[IntroLetter]:
    """The dates a child was given an introduction letter, newest first."""
    return list(db.exec(select(IntroLetter).where(IntroLetter.child_id == child_id).order_by(col(IntroLetter.given_on).desc(), col(IntroLetter.id).desc())).all())
