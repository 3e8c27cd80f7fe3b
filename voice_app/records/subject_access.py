"""Subject access: everything voice-app holds about one child, in one ZIP (readable PDFs and JSON).

Third-party information (parents' feedback, other children named in the free text) goes in its
own folder, for the officer to review before anything is released.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from voice_app.child.photos import photos_for_child
from voice_app.escalations.services import subject_access_record as escalations_record
from voice_app.models import AuditEvent, Child, ParentResponse, Review, StaffUser, Statement, Visit, utcnow
from voice_app.statements.access import load_context
from voice_app.statements.exports import Audience, statement_document
from voice_app.statements.reading import read_statement
from voice_app.tracking.services import subject_access_record as between_reviews_record

FORMAT = "voice-app subject access export"
FORMAT_VERSION = 1
_WORD = re.compile(r"\w+(?:['’]\w+)*")
README = """Subject access export from voice-app
=====================================

child-record.json   everything voice-app holds about the child, machine-readable
child-record.pdf    the same, readable: the child's details, reviews, visits and the audit trail
statements/         each statement as the case record sees it (pictures, words, the Child's Menu,
                    the IRO's decisions, "you said, we did", the IRO's notes), PDF and JSON
photos/             the child's own photos the IRO added to a sorting mat (JPEG), named in
                    child-record.json under "own_photos" with their words and statement
third-party/        information about other people: parents' feedback on the child's conferences,
                    and passages of free text that name another child. REVIEW THESE BEFORE
                    RELEASE: they may have to be withheld or redacted (UK GDPR art. 15(4),
                    Data Protection Act 2018 sch. 2 para. 16).

Made {made_at} by {made_by}. Every export is recorded in the child's audit trail.
"""


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return getattr(value, "value", value)


@dataclass
class SubjectAccess:
    child: Child
    record: dict[str, Any]
    third_party: dict[str, Any]
    statements: list[tuple[int, Any]]  # (statement id, StatementRecord) for the PDFs
    photos: list[tuple[str, bytes]] = field(default_factory=list)  # (file name in the ZIP, JPEG): the child's own photos


def gather(db: Session, *, child_id: int, made_by: StaffUser | None, now: datetime | None = None) -> SubjectAccess:
    """Everything about one child, with the third-party parts apart."""
    now = now or utcnow()
    child = db.get(Child, child_id)
    if child is None:
        raise LookupError(f"There is no child {child_id}.")
    names = {user.id: f"{user.display_name} ({user.role.label})" for user in db.exec(select(StaffUser)).all()}
    name = lambda staff_id: names.get(staff_id, f"Staff member {staff_id}") if staff_id else None  # noqa: E731
    reviews = db.exec(select(Review).where(Review.child_id == child_id).order_by(col(Review.scheduled_for), col(Review.id))).all()
    review_ids = [review.id for review in reviews]
    visits = db.exec(select(Visit).where(col(Visit.review_id).in_(review_ids)).order_by(col(Visit.id))).all() if review_ids else []
    statements = db.exec(select(Statement).where(Statement.child_id == child_id).order_by(col(Statement.started_at), col(Statement.id))).all()
    records = []
    for statement in statements:
        context = load_context(db, statement.id)
        if context is not None:
            records.append((statement.id, read_statement(db, context)))
    own_photos = photos_for_child(db, child_id=child_id)
    events = db.exec(select(AuditEvent).where(AuditEvent.child_id == child_id).order_by(col(AuditEvent.at), col(AuditEvent.id))).all()
    record = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "made_at": _when(now),
        "made_by": name(made_by.id) if made_by else "Command line",
        "child": {
            field: _value(getattr(child, field))
            for field in (
                "id", "preferred_name", "case_reference", "date_of_birth", "age_years", "preferred_language",
                "communication_needs", "passport_yes_no", "passport_helps", "passport_upsets", "passport_choosing",
                "passport_access", "cared_for", "cared_for_since", "on_cp_plan", "cp_plan_since", "active", "created_at",
                "disability", "ethnicity", "gender",  # equality details (DfE codes; "" when not recorded)
            )
        }
        | {"allocated_iro": name(child.iro_id)},
        "reviews": [
            {
                "id": review.id, "kind": review.kind.value, "stage": review.stage.value, "scheduled_for": _when(review.scheduled_for),
                "held_on": _when(review.held_on), "status": review.status.value, "chair": name(review.chair_id),
                "format_used": _value(review.format_used), "chaired_by": _value(review.chaired_by),
            }
            for review in reviews
        ],
        "visits": [
            {
                "id": visit.id, "review_id": visit.review_id, "iro": name(visit.iro_id), "status": visit.status.value,
                "planned_for": _when(visit.planned_for), "held_on": _when(visit.held_on), "method": _value(visit.method),
                "declined_reason": visit.declined_reason or None,
            }
            for visit in visits
        ],
        "statements": [statement_document(item, audience=Audience.CASE_RECORD, exported_at=now) for _id, item in records],
        "audit_trail": [
            {"at": _when(event.at), "who": name(event.staff_id) or "The system or the command line", "action": event.action,
             "statement_id": event.statement_id, "detail": event.detail, "value_before_correction": event.old_value}
            for event in events
        ],
        **_phone(db, child_id=child_id, name=name),
        "own_photos": [
            {"file": _photo_file(photo), "statement_id": photo.statement_id, "mat": photo.mat_id, "number": photo.number,
             "words": photo.label, "added_by": name(photo.added_by_id), "added_at": _when(photo.created_at)}
            for photo in own_photos
        ],
        "escalations": escalations_record(db, child_id=child_id, name=name),
        **between_reviews_record(db, child_id=child_id, name=name),
    }
    third_party = {
        "note": "Information about people other than the child. Review it before release: it may have to be withheld or redacted.",
        "parents_feedback": _parents_feedback(db, review_ids),
        "other_children_named": _other_children_named(db, child, record),
    }
    return SubjectAccess(child, record, third_party, records, [(_photo_file(photo), photo.photo) for photo in own_photos])


def _photo_file(photo) -> str:
    return f"photos/statement-{photo.statement_id}-{photo.mat_id}-photo-{photo.number}.jpg"


def _phone(db: Session, *, child_id: int, name) -> dict[str, Any]:
    """The child's own phones and what they told their IRO on them, with the replies."""
    from voice_app.models import PhoneDevice, PhoneMessage

    devices = db.exec(select(PhoneDevice).where(PhoneDevice.child_id == child_id).order_by(col(PhoneDevice.id))).all()
    messages = db.exec(select(PhoneMessage).where(PhoneMessage.child_id == child_id).order_by(col(PhoneMessage.id))).all()
    return {
        "own_phones": [
            {"joined_at": _when(d.created_at), "last_used_at": _when(d.last_used_at), "ended_at": _when(d.ended_at), "end_reason": _value(d.end_reason)}
            for d in devices
        ],
        "phone_messages": [
            {"id": m.id, "sent_at": _when(m.created_at), "about": m.kind.value, "feeling": m.feeling, "safe": _value(m.safety),
             "words": m.text or None, "reply": m.reply or None, "replied_by": name(m.replied_by_id), "replied_at": _when(m.replied_at)}
            for m in messages
        ],
    }


def _parents_feedback(db: Session, review_ids: list[int]) -> list[dict[str, Any]]:
    if not review_ids:
        return []
    responses = db.exec(select(ParentResponse).where(col(ParentResponse.review_id).in_(review_ids)).order_by(col(ParentResponse.id))).all()
    return [
        {
            "review_id": r.review_id, "submitted_at": _when(r.submitted_at), "source": r.source.value,
            "answers": {q: getattr(r, q) for q in ("q1", "q2", "q3", "q4", "q5")}, "name": r.name, "comment": r.comment,
            "respondent": r.respondent_kind.value, "agency": r.agency.value if r.agency else None, "role": r.role,
        }
        for r in responses
    ]


def _free_text(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, text) for every piece of free text in the child's record."""
    found = [(f"visit {v['id']}: reason declined", v["declined_reason"]) for v in record["visits"] if v["declined_reason"]]
    for e in record.get("escalations", []):
        found.append((f"escalation {e['id']}: the worry", e["the_worry"]))
        found.extend((f"escalation {e['id']}, {s['stage']}: response", s["response"]) for s in e["stages"] if s["response"])
        if e["outcome_for_child"]:
            found.append((f"escalation {e['id']}: outcome for the child", e["outcome_for_child"]))
    for n, d in enumerate(record.get("tracking_discussions", []), start=1):
        found.extend((f"tracking discussion {n} ({d['held_on']})", text) for text in (d["checked"], d["actions"]) if text)
    for document in record["statements"]:
        sid = document["statement"]["id"]
        for item in [*document["views"], *document["meeting_plan"]]:
            if item.get("words"):
                found.append((f"statement {sid}, {item['question_id']}: the child's words", item["words"]))
            if item.get("response"):
                found.append((f"statement {sid}, {item['question_id']}: you said, we did", item["response"]["we_did"]))
            if item.get("decision") and item["decision"].get("reason_for_child"):
                found.append((f"statement {sid}, {item['question_id']}: reason not possible", item["decision"]["reason_for_child"]))
        if document.get("general_response"):
            found.append((f"statement {sid}: you said, we did (general)", document["general_response"]["we_did"]))
        if document.get("iro_notes"):
            found.append((f"statement {sid}: the IRO's notes", document["iro_notes"]))
        for n, seen in enumerate(document.get("observations", []), start=1):
            texts = (seen["what"], seen["where"], seen["with_whom"], seen["helper_names"], (seen["response"] or {}).get("we_did", ""))
            found.extend((f"statement {sid}: the IRO's observation {n} ({seen['topic']})", text) for text in texts if text)
    return found


def _other_children_named(db: Session, child: Child, record: dict[str, Any]) -> list[dict[str, Any]]:
    """Passages that name another child of the service (by preferred name, as whole words), for redaction."""
    passages = _free_text(record)
    if not passages:
        return []
    own = {word.casefold() for word in _WORD.findall(child.preferred_name)}
    words_of = {where: {w.casefold() for w in _WORD.findall(text)} for where, text in passages}
    all_words = set().union(*words_of.values())
    others: dict[str, set[str]] = {}
    for other_name in db.exec(select(Child.preferred_name).where(Child.id != child.id, col(Child.anonymised_at).is_(None))).all():
        parts = [w.casefold() for w in _WORD.findall(other_name) if len(w) >= 2]
        if parts and parts[0] in all_words and not set(parts) <= own:
            others[other_name] = set(parts)
    flagged = []
    for where, text in passages:
        named = sorted(n for n, parts in others.items() if parts <= words_of[where])
        if named:
            flagged.append({"where": where, "names": named, "text": text})
    return flagged


def export_zip(access: SubjectAccess) -> bytes:
    """The ZIP: README, the record as JSON and PDF, each statement, and the third-party folder."""
    from voice_app.records.subject_access_pdf import render_record_pdf, render_third_party_pdf
    from voice_app.statements.pdf import render_statement_pdf

    buffer = io.BytesIO()
    dump = lambda data: json.dumps(data, ensure_ascii=False, indent=2) + "\n"  # noqa: E731
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(made_at=access.record["made_at"], made_by=access.record["made_by"]))
        archive.writestr("child-record.json", dump(access.record))
        archive.writestr("child-record.pdf", render_record_pdf(access.record))
        for (statement_id, item), document in zip(access.statements, access.record["statements"], strict=True):
            archive.writestr(f"statements/statement-{statement_id}.pdf", render_statement_pdf(item, audience=Audience.CASE_RECORD))
            archive.writestr(f"statements/statement-{statement_id}.json", dump(document))
        for name, data in access.photos:
            archive.writestr(name, data)
        archive.writestr("third-party/third-party.json", dump(access.third_party))
        archive.writestr("third-party/third-party.pdf", render_third_party_pdf(access.record, access.third_party))
    return buffer.getvalue()


def zip_filename(access: SubjectAccess, *, today: date) -> str:
    reference = re.sub(r"[^A-Za-z0-9_-]+", "-", access.child.case_reference).strip("-") or str(access.child.id)
    return f"subject-access-{reference}-{today.isoformat()}.zip"


def record_export(db: Session, *, access: SubjectAccess, by: StaffUser | None, via: str) -> None:
    """Put the export in the child's audit trail (what was exported, never its content)."""
    detail = f"zip;statements={len(access.statements)};third_party={len(access.third_party['parents_feedback']) + len(access.third_party['other_children_named'])};{via}"
    db.add(AuditEvent(staff_id=by.id if by else None, action="records.subject_access_export", child_id=access.child.id, detail=detail))
    db.commit()
