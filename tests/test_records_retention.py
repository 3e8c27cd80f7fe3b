"""Retention: records either side of each limit, dry run and apply, and the report's figures unchanged."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from tests.reports_seed import PERIOD, seed
from voice_app import cli
from voice_app.dates import anniversary
from voice_app.models import (
    AuditEvent,
    Child,
    ChildResponse,
    FeedbackLink,
    Handover,
    ParentDraft,
    ParentResponse,
    Review,
    Statement,
    Visit,
)
from voice_app.records.retention import DEFAULT_FILE, REMOVED, RetentionError, apply, load_rules, months_before, plan
from voice_app.reports.export import to_json
from voice_app.reports.report import build_report

pytestmark = pytest.mark.usefixtures("today")  # "today" is a fixed day (tests/clock.py), never the day the suite runs

TODAY = date(2026, 11, 30)
RULES = load_rules()


def _child(db, ref: str) -> Child:
    return db.exec(select(Child).where(Child.case_reference == ref)).one()


def _set(db, ref: str, **fields) -> Child:
    child = _child(db, ref)
    for name, value in fields.items():
        setattr(child, name, value)
    db.add(child)
    db.commit()
    return child


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def service(db):
    """The report's hand-worked service, with children either side of their limits."""
    seed(db)
    limit = anniversary(TODAY, -75)  # born on this day 75 years ago: the 75th anniversary is today
    _set(db, "REF-A1", date_of_birth=limit, active=False)  # cared for: due today
    _set(db, "REF-B2", date_of_birth=limit + timedelta(days=1), active=False)  # cared for: due tomorrow, kept
    # Child protection only (the plan has ended; only conferences on record): due under that rule.
    _set(db, "REF-D4", date_of_birth=limit - timedelta(days=400), active=False, on_cp_plan=False)
    _set(db, "REF-E5", date_of_birth=None, age_years=None, active=False)  # nothing to work from: held for a person
    _set(db, "REF-C3", date_of_birth=date(1940, 1, 1))  # past the limit but still active: held
    _set(db, "REF-H8", date_of_birth=None, age_years=12, created_at=_at(anniversary(TODAY, -63) - timedelta(days=1)), active=False)  # 75 by the recorded age
    iro_id = _child(db, "REF-A1").iro_id
    cutoff = months_before(TODAY, 24)
    review = db.exec(select(Review).where(Review.child_id == _child(db, "REF-G7").id)).first()
    db.add(ParentResponse(review_id=review.id, q1="agree", comment="Kept: sent on the day", name="Pat", submitted_at=_at(cutoff, 0), submission_key="edge-kept"))
    db.add(ParentResponse(review_id=review.id, q1="agree", comment="Due: the day before", name="Sam", submitted_at=_at(cutoff - timedelta(days=1), 23), submission_key="edge-due"))
    link = FeedbackLink(review_id=review.id, token="tok", created_by_id=iro_id, expires_at=_at(TODAY))
    db.add(link)
    db.commit()
    db.add(ParentDraft(link_id=link.id, key="old-draft", name="Old", updated_at=_at(TODAY - timedelta(days=61))))
    db.add(ParentDraft(link_id=link.id, key="new-draft", name="New", updated_at=_at(TODAY - timedelta(days=59))))
    statement = db.exec(select(Statement).where(Statement.child_id == _child(db, "REF-G7").id)).first() or db.exec(select(Statement)).first()
    db.add(Handover(statement_id=statement.id, token_hash="h-old", created_by_id=iro_id, expires_at=_at(TODAY - timedelta(days=91))))
    db.add(Handover(statement_id=statement.id, token_hash="h-new", created_by_id=iro_id, expires_at=_at(TODAY - timedelta(days=89))))
    db.add(AuditEvent(action="statement.view", child_id=_child(db, "REF-G7").id, at=_at(anniversary(TODAY, -6) - timedelta(days=1)), detail="old"))
    db.add(AuditEvent(action="statement.view", child_id=_child(db, "REF-G7").id, at=_at(anniversary(TODAY, -6)), detail="recent"))
    db.commit()
    return db


def _plan(app):
    with app.extensions["voice_app_engine"].connect() as connection:
        return plan(connection, rules=RULES, today=TODAY)


def test_the_plan_lists_each_side_of_each_limit(app, service):
    due = _plan(app)
    children = {item.child_id: item for item in due.due if item.child_id}
    ids = {ref: _child(service, ref).id for ref in ("REF-A1", "REF-B2", "REF-D4", "REF-E5", "REF-C3", "REF-H8")}
    assert set(children) == {ids["REF-A1"], ids["REF-D4"], ids["REF-H8"]}
    assert children[ids["REF-A1"]].kind == "case_record" and "75th anniversary of birth (born)" in children[ids["REF-A1"]].reason
    assert children[ids["REF-D4"]].kind == "child_protection_record"
    assert "worked out from the recorded age" in children[ids["REF-H8"]].reason
    assert any(f"child {ids['REF-E5']}: no date of birth" in line for line in due.held)
    assert any(f"child {ids['REF-C3']}: past" in line and "still marked active" in line for line in due.held)

    rows = {item.kind: item.ids for item in due.due if not item.child_id}
    due_feedback = {r.submission_key for r in service.exec(select(ParentResponse).where(ParentResponse.id.in_(rows["parents_feedback"]))).all()}
    assert "edge-due" in due_feedback and "edge-kept" not in due_feedback
    assert {d.key for d in service.exec(select(ParentDraft).where(ParentDraft.id.in_(rows["parent_drafts"])))} == {"old-draft"}
    assert {h.token_hash for h in service.exec(select(Handover).where(Handover.id.in_(rows["handovers"])))} == {"h-old"}
    assert {e.detail for e in service.exec(select(AuditEvent).where(AuditEvent.id.in_(rows["audit_trail"])))} == {"old"}


def _figures(app) -> dict:
    with app.extensions["voice_app_engine"].connect() as connection:
        report = json.loads(to_json(build_report(connection, PERIOD)))
        connection.commit()
    for figure in report["figures"]:
        for item in figure.get("items", []):
            item.pop("text")  # quotes lose their words when anonymised; their counts must not change
        if figure["id"].startswith("equality-"):
            # "Heard equally" splits by who the child is: an anonymised child's date of birth and equality details are
            # taken out, so they count as "age not known" and "not recorded" there. Each figure's total must not change.
            figure["rows"] = [row for row in figure["rows"] if row["key"] == "all"]
    report.pop("made_at", None)
    return report


def test_apply_anonymises_and_deletes_and_the_report_figures_do_not_change(app, service):
    before = _figures(app)
    aisha, dan, hal = (_child(service, ref) for ref in ("REF-A1", "REF-D4", "REF-H8"))

    engine = app.extensions["voice_app_engine"]
    with engine.begin() as connection:
        done = apply(connection, plan(connection, rules=RULES, today=TODAY).due)
    assert done["case_record"] == 2 and done["child_protection_record"] == 1 and done["audit_trail"] == 1

    # The same figures, counted from the anonymised rows.
    assert _figures(app) == before

    service.expunge_all()
    gone = service.get(Child, aisha.id)
    assert (gone.preferred_name, gone.case_reference, gone.date_of_birth, gone.anonymised_at is not None) == ("Anonymised", f"ANON-{aisha.id}", None, True)
    statement_ids = [s.id for s in service.exec(select(Statement).where(Statement.child_id == aisha.id))]
    assert statement_ids  # the rows the report counts are still there
    assert {r.we_did for r in service.exec(select(ChildResponse).where(ChildResponse.statement_id.in_(statement_ids)))} == {REMOVED}
    reasons = service.exec(select(Visit.declined_reason).join(Review).where(Review.child_id == dan.id)).all()
    assert reasons == [REMOVED]
    kept = _child(service, "REF-B2")
    assert kept.preferred_name == "Ben" and kept.anonymised_at is None
    feedback = {r.submission_key: (r.name, r.comment, r.q1) for r in service.exec(select(ParentResponse))}
    assert feedback["edge-due"] == (None, None, "agree") and feedback["edge-kept"] == ("Pat", "Kept: sent on the day", "agree")
    assert {d.key for d in service.exec(select(ParentDraft))} == {"new-draft"}
    assert {e.detail for e in service.exec(select(AuditEvent).where(AuditEvent.action == "statement.view"))} == {"recent"}

    audit = service.exec(select(AuditEvent).where(AuditEvent.action == "records.retention_anonymised")).all()
    assert {e.child_id for e in audit} == {aisha.id, dan.id, hal.id}
    assert all(e.detail.startswith("rule=") and e.detail.endswith(";cli") for e in audit)
    # Run again: nothing is due any more (anonymised children are not listed twice).
    again = _plan(app)
    assert not [item for item in again.due if item.child_id]


def test_dry_run_changes_nothing_and_apply_is_audited(app, service, database_url, capsys, monkeypatch):
    # The command line uses today's date: move a child past the limit relative to now.
    _set(service, "REF-G7", date_of_birth=anniversary(date.today(), -80), active=False)
    assert cli.main(["retention", "--dry-run", "--database-url", database_url]) == 0
    out = capsys.readouterr().out
    assert "would anonymise child" in out and "Nothing was changed (dry run)" in out
    assert "Gina" not in out and "REF-G7" not in out  # no names or references in the output
    service.expunge_all()
    assert _child(service, "REF-G7").preferred_name == "Gina"

    assert cli.main(["retention", "--apply", "--database-url", database_url]) == 0
    assert "each step is in the audit trail" in capsys.readouterr().out
    service.expunge_all()
    assert service.exec(select(Child).where(Child.case_reference == "REF-G7")).first() is None
    assert service.exec(select(AuditEvent).where(AuditEvent.action == "records.retention_anonymised")).all()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[case_record]\nkeep_until_birthday = 75\naction = 'delete'\n", "action must be anonymise"),
        ("[case_record]\nkeep_until_birthday = 0\naction = 'anonymise'\n", "keep_until_birthday = a whole number"),
        ("[case_record]\nkeep_until_birthday = 75\naction = 'anonymise'\nkeep_years = 3\n", "unknown settings: keep_years"),
        ("not toml at all [", "retention.toml"),
    ],
)
def test_a_wrong_retention_file_gets_a_clear_message(tmp_path, text, message):
    shipped = DEFAULT_FILE.read_text()
    path = tmp_path / "retention.toml"
    path.write_text(text + "\n" + shipped[shipped.index("[child_protection_record]") :] if "[case_record]" in text else text)
    with pytest.raises(RetentionError, match=message):
        load_rules(path)


def test_dates_for_birthdays_and_months():
    assert anniversary(date(2008, 2, 29), 75) == date(2083, 3, 1)  # kept a day longer, never shorter
    assert anniversary(date(2008, 2, 29), 4) == date(2012, 2, 29)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 11, 30), 24) == date(2024, 11, 30)
