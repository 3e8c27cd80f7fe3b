"""The columns the service report counts answers and cards by, kept on their own rows by the database itself.

A card a child picked (`answer_choice`) and an answer count in the report by their question, whether the answer was
skipped, and when their statement was completed. Those live on `answer` and `statement`; counting them through joins
meant sorting a year's joined rows (docs/reports.md). So each `answer` row also holds `completed_at` (its statement's
`ended_at` once the statement has an `end_reason`, NULL while it has none), and each `answer_choice` row holds its
answer's `question_id`, `skipped` and `completed_at`, and each menu decision (`menu_decision`) its statement's
`completed_at`, each with an index that starts with what a figure groups by: each count is then a range of one
index, with no join and no sort.

Triggers on `statement`, `answer`, `answer_choice` and `menu_decision` keep these columns right however a row is written (the app,
the retention rules, a restore, a bulk change by hand): a statement completed, reopened or deleted, an answer
changed or moved, a card or decision added or changed. The same triggers are made by migration h30live_0001 and by
`metadata.create_all` (below), so the tests exercise them. The columns are added to the tables after the models are
mapped, so the ORM never writes them: no app code sets them, and nothing else should.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.schema import DDL

from voice_app.models.base import UTCDateTime
from voice_app.models.statements import Answer, AnswerChoice, MenuDecision, Statement

answer_t, choice_t, statement_t = Answer.__table__, AnswerChoice.__table__, Statement.__table__
decision_t = MenuDecision.__table__

# Not mapped (added once the classes are): the ORM neither writes nor reads them.
answer_t.append_column(sa.Column("completed_at", UTCDateTime, nullable=True))
choice_t.append_column(sa.Column("question_id", sa.String(64), nullable=True))
choice_t.append_column(sa.Column("skipped", sa.Boolean, nullable=True))
choice_t.append_column(sa.Column("completed_at", UTCDateTime, nullable=True))
decision_t.append_column(sa.Column("completed_at", UTCDateTime, nullable=True))

# On SQLite, group columns first and the period last: a skip-scan reads each group's range of completed instants in
# index order, so the rows come grouped (no sort). PostgreSQL (15) has no skip-scan and would read the whole index:
# there the period comes first, an index-only range scan of the period's rows, grouped by hashing.
ANSWER_INDEX = ("question_id", "skipped", "scale", "completed_at")
CHOICE_INDEX = ("question_id", "choice_id", "position", "skipped", "completed_at")
DECISION_INDEX = ("item_id", "outcome", "completed_at")
ANSWER_INDEX_PG = ("completed_at", "question_id", "skipped", "scale")
CHOICE_INDEX_PG = ("completed_at", "skipped", "question_id", "choice_id", "position")
DECISION_INDEX_PG = ("completed_at", "item_id", "outcome")
for _table, _name, _sqlite, _postgres in [
    (answer_t, "ix_answer_completed", ANSWER_INDEX, ANSWER_INDEX_PG),
    (choice_t, "ix_answer_choice_completed", CHOICE_INDEX, CHOICE_INDEX_PG),
    (decision_t, "ix_menu_decision_completed", DECISION_INDEX, DECISION_INDEX_PG),
]:
    sa.Index(_name, *(_table.c[column] for column in _sqlite)).ddl_if(dialect="sqlite")
    sa.Index(f"{_name}_first", *(_table.c[column] for column in _postgres)).ddl_if(dialect="postgresql")

# A statement's completion instant: its end, once it has an end reason.
COMPLETED = "CASE WHEN {row}.end_reason IS NOT NULL THEN {row}.ended_at END"

SQLITE_TRIGGERS = {
    # A new answer takes its statement's completion; the update fires answer_keys_changed for its cards (none yet).
    "answer_keys_inserted": f"""
CREATE TRIGGER answer_keys_inserted AFTER INSERT ON answer BEGIN
  UPDATE answer SET completed_at = (SELECT {COMPLETED.format(row="s")} FROM statement AS s WHERE s.id = NEW.statement_id)
  WHERE id = NEW.id;
END""",
    # An answer moved, re-asked, skipped or unskipped, or its completion written by hand: worked out again, and
    # its cards follow.
    "answer_keys_changed": f"""
CREATE TRIGGER answer_keys_changed AFTER UPDATE OF statement_id, question_id, skipped, completed_at ON answer BEGIN
  UPDATE answer SET completed_at = (SELECT {COMPLETED.format(row="s")} FROM statement AS s WHERE s.id = NEW.statement_id)
  WHERE id = NEW.id;
  UPDATE answer_choice SET (question_id, skipped, completed_at) =
    (SELECT a.question_id, a.skipped, a.completed_at FROM answer AS a WHERE a.id = NEW.id)
  WHERE answer_id = NEW.id;
END""",
    "answer_choice_keys_inserted": """
CREATE TRIGGER answer_choice_keys_inserted AFTER INSERT ON answer_choice BEGIN
  UPDATE answer_choice SET (question_id, skipped, completed_at) =
    (SELECT a.question_id, a.skipped, a.completed_at FROM answer AS a WHERE a.id = NEW.answer_id)
  WHERE answer_id = NEW.answer_id AND choice_id = NEW.choice_id;
END""",
    "answer_choice_keys_changed": """
CREATE TRIGGER answer_choice_keys_changed AFTER UPDATE OF answer_id, choice_id, question_id, skipped, completed_at ON answer_choice BEGIN
  UPDATE answer_choice SET (question_id, skipped, completed_at) =
    (SELECT a.question_id, a.skipped, a.completed_at FROM answer AS a WHERE a.id = NEW.answer_id)
  WHERE answer_id = NEW.answer_id AND choice_id = NEW.choice_id;
END""",
    # The IRO's decisions on the child's menu take their statement's completion too.
    "menu_decision_keys_inserted": f"""
CREATE TRIGGER menu_decision_keys_inserted AFTER INSERT ON menu_decision BEGIN
  UPDATE menu_decision SET completed_at = (SELECT {COMPLETED.format(row="s")} FROM statement AS s WHERE s.id = NEW.statement_id)
  WHERE id = NEW.id;
END""",
    "menu_decision_keys_changed": f"""
CREATE TRIGGER menu_decision_keys_changed AFTER UPDATE OF statement_id, completed_at ON menu_decision BEGIN
  UPDATE menu_decision SET completed_at = (SELECT {COMPLETED.format(row="s")} FROM statement AS s WHERE s.id = NEW.statement_id)
  WHERE id = NEW.id;
END""",
    # A statement completed, reopened or its end changed: its answers (and through them their cards) and its menu
    # decisions follow.
    "statement_completion_changed": f"""
CREATE TRIGGER statement_completion_changed AFTER UPDATE OF ended_at, end_reason ON statement
WHEN ({COMPLETED.format(row="OLD")}) IS NOT ({COMPLETED.format(row="NEW")}) BEGIN
  UPDATE answer SET completed_at = {COMPLETED.format(row="NEW")} WHERE statement_id = NEW.id;
  UPDATE menu_decision SET completed_at = {COMPLETED.format(row="NEW")} WHERE statement_id = NEW.id;
END""",
}

POSTGRES_FUNCTIONS = {
    "report_completion_from_statement": f"""
CREATE OR REPLACE FUNCTION report_completion_from_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.completed_at := (SELECT {COMPLETED.format(row="s")} FROM statement AS s WHERE s.id = NEW.statement_id);
  RETURN NEW;
END
$$""",
    "answer_report_keys_follow": """
CREATE OR REPLACE FUNCTION answer_report_keys_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE answer_choice SET question_id = NEW.question_id, skipped = NEW.skipped, completed_at = NEW.completed_at
  WHERE answer_id = NEW.id;
  RETURN NULL;
END
$$""",
    "answer_choice_report_keys": """
CREATE OR REPLACE FUNCTION answer_choice_report_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT a.question_id, a.skipped, a.completed_at INTO NEW.question_id, NEW.skipped, NEW.completed_at
  FROM answer AS a WHERE a.id = NEW.answer_id;
  RETURN NEW;
END
$$""",
    "statement_report_completion": f"""
CREATE OR REPLACE FUNCTION statement_report_completion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE answer SET completed_at = {COMPLETED.format(row="NEW")} WHERE statement_id = NEW.id;
  UPDATE menu_decision SET completed_at = {COMPLETED.format(row="NEW")} WHERE statement_id = NEW.id;
  RETURN NULL;
END
$$""",
}

POSTGRES_TRIGGERS = {
    # Every insert or update of an answer works its completion out again (a primary-key lookup of its statement).
    "answer_keys": "CREATE TRIGGER answer_keys BEFORE INSERT OR UPDATE ON answer FOR EACH ROW EXECUTE FUNCTION report_completion_from_statement()",
    # The same function serves menu decisions: it reads only statement_id and writes only completed_at.
    "menu_decision_keys": (
        "CREATE TRIGGER menu_decision_keys BEFORE INSERT OR UPDATE ON menu_decision FOR EACH ROW EXECUTE FUNCTION report_completion_from_statement()"
    ),
    "answer_keys_follow": """
CREATE TRIGGER answer_keys_follow AFTER UPDATE ON answer FOR EACH ROW
WHEN (NEW.question_id IS DISTINCT FROM OLD.question_id OR NEW.skipped IS DISTINCT FROM OLD.skipped
      OR NEW.completed_at IS DISTINCT FROM OLD.completed_at OR NEW.id IS DISTINCT FROM OLD.id)
EXECUTE FUNCTION answer_report_keys_follow()""",
    "answer_choice_keys": """
CREATE TRIGGER answer_choice_keys BEFORE INSERT OR UPDATE ON answer_choice FOR EACH ROW
EXECUTE FUNCTION answer_choice_report_keys()""",
    "statement_completion": f"""
CREATE TRIGGER statement_completion AFTER UPDATE OF ended_at, end_reason ON statement FOR EACH ROW
WHEN (({COMPLETED.format(row="OLD")}) IS DISTINCT FROM ({COMPLETED.format(row="NEW")}))
EXECUTE FUNCTION statement_report_completion()""",
}

# Each trigger is made with its table; the PostgreSQL functions with `statement`, made before the other three (their
# foreign keys). Neither database looks for the tables a trigger's body names until it runs.
TRIGGER_TABLES = {
    "answer_keys_inserted": "answer", "answer_keys_changed": "answer",
    "answer_choice_keys_inserted": "answer_choice", "answer_choice_keys_changed": "answer_choice",
    "menu_decision_keys_inserted": "menu_decision", "menu_decision_keys_changed": "menu_decision",
    "statement_completion_changed": "statement",
    "answer_keys": "answer", "answer_keys_follow": "answer", "answer_choice_keys": "answer_choice",
    "menu_decision_keys": "menu_decision", "statement_completion": "statement",
}
_tables = {"answer": answer_t, "answer_choice": choice_t, "menu_decision": decision_t, "statement": statement_t}


def _ddl(sql: str, dialect: str):
    return DDL(sql.replace("%", "%%")).execute_if(dialect=dialect)  # DDL formats its text with %


for _sql in POSTGRES_FUNCTIONS.values():
    event.listen(statement_t, "after_create", _ddl(_sql, "postgresql"))
for _name, _sql in SQLITE_TRIGGERS.items():
    event.listen(_tables[TRIGGER_TABLES[_name]], "after_create", _ddl(_sql, "sqlite"))
for _name, _sql in POSTGRES_TRIGGERS.items():
    event.listen(_tables[TRIGGER_TABLES[_name]], "after_create", _ddl(_sql, "postgresql"))
