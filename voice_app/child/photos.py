"""The child's own photos on a sorting mat: up to four, each with a short label, added by the IRO at hand-over.

Each becomes an option card on its mat for that statement only (question id "mat.<mat>.photo-<n>",
questions/bank.py), offered after the mat's own cards and placed like any of them: a placement is an
ordinary answer. The photos go through the one image pipeline (voice_app/photos.py: checked, made smaller,
metadata stripped); photo and label are encrypted at rest (MatPhoto); retention deletes the rows with the
child's record (records/retention.py) and the subject access export carries them (records/subject_access.py).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from voice_app.models import MatPhoto, StaffUser
from voice_app.photos import MAX_UPLOAD_BYTES, PhotoProblem, clean_photo, smaller
from voice_app.questions.bank import MAT_PART, MAT_VERSION, Question, QuestionBank, photo_card_id

MAX_PHOTOS = 4
LABEL_MAX = 40
# The symbol a photo card shows where its photo is not (removed under the retention rules).
PHOTO_SYMBOL = "star"
NEED_A_LABEL = _l("Give photo %(number)s a few words the child will hear, such as “Nan's house”.")
LABEL_TOO_LONG = _l("Keep the words for photo %(number)s to %(max)s letters or fewer.")
NEED_A_PHOTO = _l("Choose a photo for “%(label)s”, or clear its words.")


@dataclass(frozen=True)
class PhotoUpload:
    """One photo as the IRO gave it at hand-over: its place in the form (1 to 4), the label, and the file's bytes."""

    number: int
    label: str
    data: bytes


@dataclass(frozen=True)
class PhotoError:
    number: int
    message: str


def check_uploads(uploads: list[PhotoUpload]) -> tuple[list[tuple[str, bytes]], list[PhotoError]]:
    """Each given photo cleaned (re-encoded, no metadata) with its label, or kind words about what is wrong with it.
    A row with neither words nor a file is left out; at most MAX_PHOTOS are read."""
    cleaned: list[tuple[str, bytes]] = []
    problems: list[PhotoError] = []
    for upload in uploads[:MAX_PHOTOS]:
        label = " ".join(upload.label.split())
        if not label and not upload.data:
            continue
        if not label:
            problems.append(PhotoError(upload.number, str(NEED_A_LABEL % {"number": upload.number})))
            continue
        if len(label) > LABEL_MAX:
            problems.append(PhotoError(upload.number, str(LABEL_TOO_LONG % {"number": upload.number, "max": LABEL_MAX})))
            continue
        if not upload.data:
            problems.append(PhotoError(upload.number, str(NEED_A_PHOTO % {"label": label})))
            continue
        try:
            cleaned.append((label, clean_photo(upload.data)))
        except PhotoProblem as problem:
            problems.append(PhotoError(upload.number, f"{label}: {problem}"))
    return cleaned, problems


def add_photos(
    db: Session, *, statement_id: int, child_id: int, mat_id: str, photos: list[tuple[str, bytes]], by: StaffUser | None
) -> list[MatPhoto]:
    """Keep cleaned photos as cards on one mat of this statement, numbered after any it has (at most MAX_PHOTOS on a mat)."""
    taken = db.exec(select(MatPhoto.number).where(MatPhoto.statement_id == statement_id, MatPhoto.mat_id == mat_id)).all()
    number = max(taken, default=0)
    rows = []
    for label, data in photos[: max(0, MAX_PHOTOS - len(taken))]:
        number += 1
        rows.append(MatPhoto(statement_id=statement_id, child_id=child_id, mat_id=mat_id, number=number, label=label,
                             photo=data, added_by_id=by.id if by else None))
    db.add_all(rows)
    db.commit()
    return rows


_CARDS = (
    select(MatPhoto.id, MatPhoto.mat_id, MatPhoto.number, MatPhoto.label)
    .where(col(MatPhoto.statement_id) == bindparam("statement_id"))
    .order_by(col(MatPhoto.mat_id), col(MatPhoto.number))
)


def photo_cards(db: Session, *, statement_id: int, bank: QuestionBank) -> tuple[Question, ...]:
    """The statement's photo cards as questions of their mats (its scale's points as choices), without the photos' bytes."""
    cards = []
    for photo_id, mat_id, number, label in db.execute(_CARDS, {"statement_id": statement_id}).all():
        mat = bank.mat(mat_id)
        if mat is None:
            continue  # a mat the service has since removed: its placements keep their ids on the statement page
        cards.append(Question(id=photo_card_id(mat_id, number), part=MAT_PART, kind="choice", prompt=label, symbol=PHOTO_SYMBOL,
                              choices=mat.points, versions=frozenset({MAT_VERSION}), mat=mat_id, photo=photo_id))
    return tuple(cards)


def photo_data(db: Session, *, statement_id: int, photo_id: int) -> bytes | None:
    """One photo's JPEG, only if it belongs to this statement."""
    row = db.get(MatPhoto, photo_id)
    return row.photo if row is not None and row.statement_id == statement_id else None


def photos_inline(db: Session, *, statement_id: int) -> dict[int, str]:
    """Every photo of a statement as a data: URL, made lighter (320 px: about 20 KB for a camera photo, not 55 KB),
    for the offline pack, which the tablet keeps encrypted with the hand-over's key."""
    rows = db.exec(select(MatPhoto.id, MatPhoto.photo).where(MatPhoto.statement_id == statement_id)).all()
    return {photo_id: "data:image/jpeg;base64," + base64.b64encode(smaller(data)).decode("ascii") for photo_id, data in rows}


def photos_for_child(db: Session, *, child_id: int) -> list[MatPhoto]:
    """Every photo kept for a child (the subject access export), in the order added."""
    return list(db.exec(select(MatPhoto).where(MatPhoto.child_id == child_id).order_by(col(MatPhoto.id))).all())


UPLOAD_BYTES = MAX_PHOTOS * MAX_UPLOAD_BYTES  # the hand-over form's request limit with its photos
