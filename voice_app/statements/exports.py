"""Exports of a statement for the case record or the meeting, as plain JSON data (schema in docs/export.md)."""

from __future__ import annotations

import enum
import json
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from voice_app.models import utcnow
from voice_app.statements.reading import GENERAL_ITEM, GENERAL_LABEL, AnswerView, StatementRecord, ways_gathered
from voice_app.statements.services import needs_release

SCHEMA_PATH = Path(__file__).resolve().parent / "export_schema.json"
SCHEMA_ID = "https://voice-app.example/schemas/statement-export/1.json"
FORMAT_VERSION = 1


class Audience(str, enum.Enum):
    CASE_RECORD = "case_record"  # the whole statement, with the IRO's notes, for the case record
    MEETING = "meeting"  # what the review meeting may see: no IRO notes, no kept-out topics

    @property
    def label(self) -> str:
        return {"case_record": "for the case record", "meeting": "for the meeting"}[self.value]


class ExportRefused(PermissionError):
    """The child has not shared this statement with the meeting and the IRO has not confirmed a release."""


SHARING_TEXT = {
    "meeting": "My review meeting",
    "iro_only": "Only my IRO",
    None: "The child did not choose",
}


def check_audience(record: StatementRecord, audience: Audience) -> None:
    """Refuse a meeting export of a statement that is not released for the meeting."""
    if audience == Audience.MEETING and needs_release(record.statement):
        raise ExportRefused(
            "The child did not share this statement with the meeting (they chose "
            f"“{SHARING_TEXT[record.statement.sharing.value if record.statement.sharing else None]}”). "
            "The IRO must confirm a release before it can be exported for the meeting."
        )


def included_in(item: AnswerView, audience: Audience) -> bool:
    """Topics the child wants kept out of the full meeting never go into a meeting export."""
    return not (audience == Audience.MEETING and item.keep_out_of_meeting)


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _answer(item: AnswerView) -> dict[str, Any]:
    return {
        "question_id": item.question_id,
        "question": item.prompt,
        "question_as_asked": item.asked_as or None,
        "kind": item.kind,
        "known_question": item.known,
        "skipped": item.skipped,
        "choices": [
            {"id": c.id, "label": c.label, "symbol": c.symbol, "known": c.known, "group": "not_wanted" if c.group == 1 else "wanted"}
            for c in item.choices
        ],
        "scale": item.scale,
        "scale_low": item.scale_low or None,
        "scale_high": item.scale_high or None,
        "words": item.words,
        "scribed": item.scribed,
        "answered_at": _when(item.answered_at),
    }


def _response(record: StatementRecord, item_id: str) -> dict[str, Any] | None:
    response = record.responses.get(item_id)
    if response is None:
        return None
    return {"we_did": response.we_did, "written_by": record.name(response.written_by_id), "updated_at": _when(response.updated_at)}


def statement_document(record: StatementRecord, *, audience: Audience, exported_at: datetime | None = None) -> dict[str, Any]:
    """The export as a JSON-ready dict; refuses a meeting export the child has not shared."""
    check_audience(record, audience)
    ctx = record.context
    statement, visit, review, child = ctx.statement, ctx.visit, ctx.review, ctx.child
    views = [item for item in record.views if included_in(item, audience)]
    menu = [item for item in record.menu if included_in(item, audience)]
    kept_out = len(record.views) + len(record.menu) - len(views) - len(menu)
    answered = {item.question_id for item in record.views if not item.skipped} | {GENERAL_ITEM}
    document: dict[str, Any] = {
        "$schema": SCHEMA_ID,
        "format_version": FORMAT_VERSION,
        "audience": audience.value,
        "exported_at": _when(exported_at or utcnow()),
        "child": {"case_reference": child.case_reference, "preferred_name": child.preferred_name},
        "review": {
            "id": review.id,
            "kind": review.kind.value,
            "stage": review.stage.value,
            "scheduled_for": _when(review.scheduled_for),
            "held_on": _when(review.held_on),
            "young_persons": review.young_persons,
            "format_used": review.format_used.value if review.format_used else None,
            "chaired_by": review.chaired_by.value if review.chaired_by else None,
        },
        "visit": {
            "id": visit.id,
            "status": visit.status.value,
            "planned_for": _when(visit.planned_for),
            "held_on": _when(visit.held_on),
            "method": visit.method.value if visit.method else None,
            "iro": record.name(visit.iro_id),
        },
        "statement": {
            "id": statement.id,
            "version": statement.version.value,
            "parts": [part for part in statement.parts.split(",") if part],
            "language": statement.language,
            "scribed": statement.scribed,
            "scribed_by": record.name(statement.scribe_id) or None,
            "access": list(record.access_used),
            "gathered": ways_gathered(record),
            "started_at": _when(statement.started_at),
            "ended_at": _when(statement.ended_at),
            "end": statement.end_reason.value if statement.end_reason else None,
            "sharing": statement.sharing.value if statement.sharing else None,
            "released_for_meeting_at": _when(statement.meeting_release_at),
            "released_for_meeting_by": record.name(statement.meeting_release_by_id) or None,
            "reviewed_at": _when(statement.reviewed_at),
            "reviewed_by": record.name(statement.reviewed_by_id) or None,
        },
        "views": [{**_answer(item), "response": _response(record, item.question_id)} for item in views],
        "meeting_plan": [
            {
                **_answer(item),
                "item": item.title,
                "from_sorting_mat": item.from_mat or None,
                "decision": _decision(record, item.question_id),
            }
            for item in menu
        ],
        "after_the_meeting": {
            "about_review_id": statement.about_review_id,
            "answers": [{**_answer(item), "response": None} for item in record.after],
        }
        if record.after
        else None,
        "what_happens_at_my_meeting": [{**_answer(item), "response": None} for item in record.explain],
        "who_i_am": [{**_answer(item), "response": _response(record, item.question_id)} for item in record.identity],
        "mats": [_mat(record, mat) for mat in record.mats],
        "general_response": _response(record, GENERAL_ITEM),
        "observations": [
            {
                "topic": seen.topic,
                "topic_label": seen.topic_label,
                "what": seen.what,
                "where": seen.place,
                "with_whom": seen.with_whom,
                "certainty": seen.certainty,
                "helped_by": list(seen.helpers),
                "helper_names": seen.helper_names,
                "observed_by": record.name(seen.recorded_by_id),
                "recorded_at": _when(seen.recorded_at),
                # "You said, we did" on an observed topic the child did not also answer (else it is under views).
                "response": _response(record, seen.topic) if seen.topic not in answered else None,
            }
            for seen in record.observations
        ],
        "items_kept_out_of_meeting": kept_out,
        "iro_notes": statement.iro_notes if audience == Audience.CASE_RECORD else None,
        # Present only for views gathered on a practitioner's device for a conference.
        **({"gathered_by": record.gathered_by.as_dict()} if record.gathered_by else {}),
    }
    return document


def _mat(record: StatementRecord, mat) -> dict[str, Any]:
    """One sorting mat: its scale, each card where the child put it (null: did not want to say), and what moved."""
    return {
        "id": mat.id,
        "title": mat.title,
        "scale": [{"id": column.id, "label": column.label, "symbol": column.symbol} for column in mat.columns],
        "cards": [
            {
                "question_id": card.question_id,
                "card": card.label,
                "symbol": card.symbol,
                # The child's own photo (added at hand-over): named, never embedded (the statement page shows it).
                "own_photo": card.photo_id is not None,
                "point": card.point,
                "response": _response(record, card.question_id),
            }
            for card in mat.cards
        ],
        "in_words": mat.sentences,
        "moved_since_last_mat": [{"question_id": m.question_id, "card": m.label, "before": m.before, "after": m.after} for m in mat.moves]
        if mat.compared
        else None,
    }


def _decision(record: StatementRecord, item_id: str) -> dict[str, Any] | None:
    decision = record.decisions.get(item_id)
    if decision is None:
        return None
    return {
        "outcome": decision.outcome.value,
        "reason_for_child": decision.reason_for_child or None,
        "decided_by": record.name(decision.decided_by_id),
        "decided_at": _when(decision.decided_at),
    }


def statement_json(record: StatementRecord, *, audience: Audience, exported_at: datetime | None = None) -> str:
    """The export as JSON text: UTF-8, the child's words exactly as typed, nothing executable."""
    return json.dumps(statement_document(record, audience=audience, exported_at=exported_at), ensure_ascii=False, indent=2) + "\n"


@cache
def export_schema() -> dict[str, Any]:
    """The JSON Schema shipped with the app (the same as in docs/export.md)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def export_filename(record: StatementRecord, *, audience: Audience, extension: str) -> str:
    """A safe file name with the case reference, statement id and audience."""
    safe_ref = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in record.context.child.case_reference)
    return f"{safe_ref}-statement-{record.statement.id}-{audience.value.replace('_', '-')}.{extension}"


__all__ = ["GENERAL_LABEL", "Audience", "ExportRefused", "check_audience", "export_schema", "statement_document", "statement_json"]
