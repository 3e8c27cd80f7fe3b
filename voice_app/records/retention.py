"""Retention: which records have been kept as long as the rules say, and anonymising or deleting them.

The rules are data (voice_app/data/retention.toml, or VOICE_APP_RETENTION_FILE). Anonymising keeps
every row the service report counts (reviews, visits, statements, answers' cards and scales, menu
decisions, parents' answers) and removes who they were about and what was written, so past years'
figures stay the same (the report counts live from those rows).
"""

from __future__ import annotations

import calendar
import os
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from voice_app.dates import anniversary
from voice_app.escalations.services import anonymise_for_retention as anonymise_escalations
from voice_app.models import (
    Answer,
    AuditEvent,
    Child,
    ChildResponse,
    FeedbackLink,
    Handover,
    MatPhoto,
    MenuDecision,
    Observation,
    ParentDraft,
    ParentResponse,
    Review,
    ReviewKind,
    Statement,
    Visit,
    utcnow,
)
from voice_app.tracking.services import anonymise_for_retention as anonymise_tracking

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "retention.toml"
REMOVED = "[removed under the retention rules]"
ANONYMOUS_NAME = "Anonymised"
KINDS = {
    "case_record": {"keep_until_birthday"},
    "child_protection_record": {"keep_until_birthday"},
    "parents_feedback": {"keep_months"},
    "parent_drafts": {"keep_days"},
    "handovers": {"keep_days"},
    "audit_trail": {"keep_years"},
}
ACTIONS = {"case_record": "anonymise", "child_protection_record": "anonymise", "parents_feedback": "anonymise"}

child_t, review_t, visit_t, statement_t = Child.__table__, Review.__table__, Visit.__table__, Statement.__table__
answer_t, decision_t, response_t = Answer.__table__, MenuDecision.__table__, ChildResponse.__table__
observation_t, mat_photo_t = Observation.__table__, MatPhoto.__table__
parent_t, draft_t, link_t, handover_t, audit_t = (
    ParentResponse.__table__,
    ParentDraft.__table__,
    FeedbackLink.__table__,
    Handover.__table__,
    AuditEvent.__table__,
)


class RetentionError(ValueError):
    """A retention file that cannot be used; the message names the rule and what is wrong."""


@dataclass(frozen=True)
class Rule:
    kind: str
    action: str
    amount: int  # years of age, months, days or years, as the kind's one setting says
    setting: str


def load_rules(path: Path | None = None) -> dict[str, Rule]:
    """Read and check the retention file (VOICE_APP_RETENTION_FILE or the shipped one)."""
    path = Path(path or os.environ.get("VOICE_APP_RETENTION_FILE") or DEFAULT_FILE)
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RetentionError(f"{path}: {exc}") from exc
    rules = {}
    for kind, settings in KINDS.items():
        given = raw.get(kind)
        if not isinstance(given, dict):
            raise RetentionError(f"{path.name}: the rule [{kind}] is missing.")
        (setting,) = settings
        amount, action = given.get(setting), given.get("action")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
            raise RetentionError(f"{path.name}: [{kind}] needs {setting} = a whole number of at least 1.")
        allowed = {ACTIONS.get(kind, "delete")}
        if action not in allowed:
            raise RetentionError(f"{path.name}: [{kind}] action must be {' or '.join(sorted(allowed))}, not {action!r}.")
        unknown = set(given) - {setting, "action"}
        if unknown:
            raise RetentionError(f"{path.name}: [{kind}] has unknown settings: {', '.join(sorted(unknown))}.")
        rules[kind] = Rule(kind, action, amount, setting)
    unknown_kinds = set(raw) - set(KINDS)
    if unknown_kinds:
        raise RetentionError(f"{path.name}: unknown rules {', '.join(sorted(unknown_kinds))}; known: {', '.join(KINDS)}.")
    return rules


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when it has fewer)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month_index + 1, min(day.day, calendar.monthrange(year, month_index + 1)[1]))


@dataclass(frozen=True)
class Due:
    """One thing the rules say is due: a child's records, or a set of rows of one kind."""

    kind: str
    action: str
    ids: tuple[int, ...]
    reason: str
    child_id: int | None = None

    @property
    def line(self) -> str:
        what = f"child {self.child_id}'s records" if self.child_id else f"{len(self.ids)} {self.kind.replace('_', ' ')} rows"
        return f"{self.action} {what}: {self.reason}"


@dataclass
class Plan:
    today: date
    due: list[Due] = field(default_factory=list)
    # Children whose time cannot be worked out, or who are past it but still active: for a person to decide.
    held: list[str] = field(default_factory=list)


def _birth(child, today: date) -> date | None:
    if child.date_of_birth is not None:
        return child.date_of_birth
    recorded = child.age_recorded_on or (child.created_at.date() if child.created_at is not None else None)
    if child.age_years is not None and recorded is not None:
        # The latest birthday the recorded age allows (on the day it was recorded), so the record is never kept too short.
        return anniversary(recorded, -child.age_years)
    return None


def _cutoff(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def plan(connection: Connection, *, rules: dict[str, Rule], today: date) -> Plan:
    """Everything due under the rules on `today`, and why; changes nothing."""
    result = Plan(today)
    # Which kinds of review each child has had: a record is a cared-for child's if they ever were.
    kinds: dict[int, tuple[int, int]] = {
        child_id: (cared, protected)
        for child_id, cared, protected in connection.execute(
            sa.select(
                review_t.c.child_id,
                sa.func.max(sa.case((review_t.c.kind == ReviewKind.CARED_FOR, 1), else_=0)),
                sa.func.max(sa.case((review_t.c.kind == ReviewKind.CP_CONFERENCE, 1), else_=0)),
            ).group_by(review_t.c.child_id)
        )
    }
    children = connection.execute(
        sa.select(child_t.c.id, child_t.c.date_of_birth, child_t.c.age_years, child_t.c.age_recorded_on, child_t.c.created_at, child_t.c.cared_for, child_t.c.on_cp_plan, child_t.c.active)
        .where(child_t.c.anonymised_at.is_(None))
        .order_by(child_t.c.id)
    ).all()
    for child in children:
        cared_reviews, protection_reviews = kinds.get(child.id, (0, 0))
        protection_only = not (child.cared_for or cared_reviews) and bool(child.on_cp_plan or protection_reviews)
        # Anyone else (cared for, or neither recorded) is kept as a case record: the longer rule when in doubt.
        rule = rules["child_protection_record" if protection_only else "case_record"]
        birth = _birth(child, today)
        if birth is None:
            result.held.append(f"child {child.id}: no date of birth or age, so {rule.kind.replace('_', ' ')} retention cannot be worked out")
            continue
        until = anniversary(birth, rule.amount)
        if today < until:
            continue
        if child.active:
            result.held.append(f"child {child.id}: past {until.isoformat()} but still marked active; close the record first")
            continue
        source = "born" if child.date_of_birth else "birth worked out from the recorded age"
        reason = f"{rule.kind.replace('_', ' ')} kept until {until.isoformat()}, the {rule.amount}th anniversary of birth ({source})"
        result.due.append(Due(rule.kind, rule.action, (child.id,), reason, child_id=child.id))

    feedback = rules["parents_feedback"]
    before = months_before(today, feedback.amount)
    has_words = sa.or_(
        sa.and_(parent_t.c.name.is_not(None), parent_t.c.name != ""),
        sa.and_(parent_t.c.comment.is_not(None), parent_t.c.comment != ""),
        sa.and_(parent_t.c.role.is_not(None), parent_t.c.role != ""),  # a professional's role (issue 32)
    )
    _add_rows(result, connection, feedback, parent_t, parent_t.c.submitted_at < _cutoff(before), has_words, reason=f"sent before {before.isoformat()} ({feedback.amount} months)")
    for kind, table, column in (("parent_drafts", draft_t, draft_t.c.updated_at), ("handovers", handover_t, handover_t.c.expires_at)):
        rule = rules[kind]
        before = today - timedelta(days=rule.amount)
        _add_rows(result, connection, rule, table, column < _cutoff(before), reason=f"last used before {before.isoformat()} ({rule.amount} days)")
    audit = rules["audit_trail"]
    before = anniversary(today, -audit.amount)
    _add_rows(result, connection, audit, audit_t, audit_t.c.at < _cutoff(before), reason=f"recorded before {before.isoformat()} ({audit.amount} years)")
    return result


def _add_rows(result: Plan, connection: Connection, rule: Rule, table: sa.Table, *conditions, reason: str) -> None:
    ids = tuple(connection.execute(sa.select(table.c.id).where(*conditions).order_by(table.c.id)).scalars())
    if ids:
        result.due.append(Due(rule.kind, rule.action, ids, reason))


def apply(connection: Connection, due: list[Due], *, by_staff_id: int | None = None, now: datetime | None = None) -> dict[str, int]:
    """Anonymise or delete what is due, and audit each step; returns how many of each kind."""
    now = now or utcnow()
    done: dict[str, int] = {}
    for item in due:
        if item.child_id is not None:
            anonymise_child(connection, child_id=item.child_id, now=now)
            _audit(connection, "records.retention_anonymised", f"rule={item.kind}", child_id=item.child_id, by=by_staff_id, now=now)
        else:
            _apply_rows(connection, item)
            _audit(connection, "records.retention_applied", f"rule={item.kind};rows={len(item.ids)}", by=by_staff_id, now=now)
        done[item.kind] = done.get(item.kind, 0) + len(item.ids)
    return done


def _apply_rows(connection: Connection, item: Due) -> None:
    table = {"parents_feedback": parent_t, "parent_drafts": draft_t, "handovers": handover_t, "audit_trail": audit_t}[item.kind]
    for start in range(0, len(item.ids), 500):
        chunk = item.ids[start : start + 500]
        if item.action == "delete":
            connection.execute(sa.delete(table).where(table.c.id.in_(chunk)))
        else:
            connection.execute(sa.update(parent_t).where(parent_t.c.id.in_(chunk)).values(name=None, comment=None, role=None))


def anonymise_child(connection: Connection, *, child_id: int, now: datetime) -> None:
    """Take the child's identity and every free text about them out, keeping what the report counts."""
    reviews = sa.select(review_t.c.id).where(review_t.c.child_id == child_id).scalar_subquery()
    statements = sa.select(statement_t.c.id).where(statement_t.c.child_id == child_id).scalar_subquery()
    links = sa.select(link_t.c.id).where(link_t.c.review_id.in_(reviews)).scalar_subquery()
    connection.execute(sa.update(answer_t).where(answer_t.c.statement_id.in_(statements)).values(text=None))
    connection.execute(sa.update(decision_t).where(decision_t.c.statement_id.in_(statements)).values(reason_for_child=""))
    connection.execute(sa.update(response_t).where(response_t.c.statement_id.in_(statements)).values(we_did=REMOVED))
    connection.execute(sa.update(statement_t).where(statement_t.c.child_id == child_id).values(iro_notes=""))
    # What the IRO observed: the texts go; the rows stay (the report counts statements gathered by observation).
    connection.execute(
        sa.update(observation_t).where(observation_t.c.statement_id.in_(statements)).values(what=REMOVED, place="", with_whom="", helper_names="")
    )
    connection.execute(sa.delete(handover_t).where(handover_t.c.statement_id.in_(statements)))
    # The child's own photos on their sorting mats go, photo and label (their placements stay, as the mats' cards do).
    connection.execute(sa.delete(mat_photo_t).where(mat_photo_t.c.child_id == child_id))
    connection.execute(
        sa.update(visit_t)
        .where(visit_t.c.review_id.in_(reviews), visit_t.c.declined_reason.is_not(None), visit_t.c.declined_reason != "")
        .values(declined_reason=REMOVED)
    )
    connection.execute(sa.update(parent_t).where(parent_t.c.review_id.in_(reviews)).values(name=None, comment=None, role=None))
    connection.execute(sa.delete(draft_t).where(draft_t.c.link_id.in_(links)))
    _forget_phone(connection, child_id=child_id, now=now)
    anonymise_escalations(connection, child_id=child_id, removed=REMOVED)
    anonymise_tracking(connection, child_id=child_id, removed=REMOVED)
    connection.execute(
        sa.update(child_t)
        .where(child_t.c.id == child_id)
        .values(
            preferred_name=ANONYMOUS_NAME,
            case_reference=f"ANON-{child_id}",
            date_of_birth=None,
            age_years=None,
            communication_needs="",
            passport_yes_no="",
            passport_helps="",
            passport_upsets="",
            passport_choosing="",
            passport_access="",
            disability="",  # equality details: special-category data, taken out with the child's identity
            ethnicity="",
            gender="",
            cared_for_since=None,
            cp_plan_since=None,
            active=False,
            anonymised_at=now,
        )
    )


def _forget_phone(connection: Connection, *, child_id: int, now: datetime) -> None:
    """The child's own phone: its words and the IRO's replies go (kinds and dates stay for the figures), the phone ends."""
    from voice_app.models import PhoneDevice, PhoneMessage, PhonePairing

    message_t, device_t, pairing_t = PhoneMessage.__table__, PhoneDevice.__table__, PhonePairing.__table__
    connection.execute(sa.update(message_t).where(message_t.c.child_id == child_id).values(text="", reply=""))
    connection.execute(
        sa.update(device_t).where(device_t.c.child_id == child_id, device_t.c.ended_at.is_(None)).values(ended_at=now, end_reason="left_care")
    )
    connection.execute(sa.update(pairing_t).where(pairing_t.c.child_id == child_id, pairing_t.c.used_at.is_(None)).values(expires_at=now))


def _audit(connection: Connection, action: str, detail: str, *, by: int | None, now: datetime, child_id: int | None = None) -> None:
    connection.execute(sa.insert(audit_t).values(at=now, staff_id=by, action=action, child_id=child_id, detail=f"{detail};cli" if by is None else detail))
