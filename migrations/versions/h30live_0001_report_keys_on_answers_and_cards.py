"""service report: answers and cards carry what their figures count by, kept right by triggers

Each answer gets `completed_at` (its statement's end once the statement has an end reason, NULL while it has none);
each card a child picked (`answer_choice`) gets its answer's `question_id`, `skipped` and `completed_at`. Both are
filled from the rows already there, kept right from now on by triggers on `statement`, `answer` and `answer_choice`
(SQLite triggers; PL/pgSQL trigger functions on PostgreSQL), and indexed group columns first, so the report counts
answers and cards from one index range each with no join and no sort (voice_app/models/report_keys.py holds the same
DDL for `metadata.create_all`; tests/test_report_keys.py checks the two make the same schema).

Revision ID: h30live_0001
Revises: h30_0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "h30live_0001"
down_revision = "h29photo_0001"
branch_labels = None
depends_on = None

ANSWER_INDEX = ('question_id', 'skipped', 'scale', 'completed_at')
CHOICE_INDEX = ('question_id', 'choice_id', 'position', 'skipped', 'completed_at')
COMPLETED = "CASE WHEN s.end_reason IS NOT NULL THEN s.ended_at END"

SQLITE_TRIGGERS = {
    "answer_keys_inserted": """
CREATE TRIGGER answer_keys_inserted AFTER INSERT ON answer BEGIN
  UPDATE answer SET completed_at = (SELECT CASE WHEN s.end_reason IS NOT NULL THEN s.ended_at END FROM statement AS s WHERE s.id = NEW.statement_id)
  WHERE id = NEW.id;
END""",
    "answer_keys_changed": """
CREATE TRIGGER answer_keys_changed AFTER UPDATE OF statement_id, question_id, skipped, completed_at ON answer BEGIN
  UPDATE answer SET completed_at = (SELECT CASE WHEN s.end_reason IS NOT NULL THEN s.ended_at END FROM statement AS s WHERE s.id = NEW.statement_id)
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
    "statement_completion_changed": """
CREATE TRIGGER statement_completion_changed AFTER UPDATE OF ended_at, end_reason ON statement
WHEN (CASE WHEN OLD.end_reason IS NOT NULL THEN OLD.ended_at END) IS NOT (CASE WHEN NEW.end_reason IS NOT NULL THEN NEW.ended_at END) BEGIN
  UPDATE answer SET completed_at = CASE WHEN NEW.end_reason IS NOT NULL THEN NEW.ended_at END WHERE statement_id = NEW.id;
END""",
}

POSTGRES_FUNCTIONS = {
    "answer_report_keys": """
CREATE OR REPLACE FUNCTION answer_report_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.completed_at := (SELECT CASE WHEN s.end_reason IS NOT NULL THEN s.ended_at END FROM statement AS s WHERE s.id = NEW.statement_id);
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
    "statement_report_completion": """
CREATE OR REPLACE FUNCTION statement_report_completion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE answer SET completed_at = CASE WHEN NEW.end_reason IS NOT NULL THEN NEW.ended_at END WHERE statement_id = NEW.id;
  RETURN NULL;
END
$$""",
}

POSTGRES_TRIGGERS = {
    "answer_keys": """CREATE TRIGGER answer_keys BEFORE INSERT OR UPDATE ON answer FOR EACH ROW EXECUTE FUNCTION answer_report_keys()""",
    "answer_keys_follow": """
CREATE TRIGGER answer_keys_follow AFTER UPDATE ON answer FOR EACH ROW
WHEN (NEW.question_id IS DISTINCT FROM OLD.question_id OR NEW.skipped IS DISTINCT FROM OLD.skipped
      OR NEW.completed_at IS DISTINCT FROM OLD.completed_at OR NEW.id IS DISTINCT FROM OLD.id)
EXECUTE FUNCTION answer_report_keys_follow()""",
    "answer_choice_keys": """
CREATE TRIGGER answer_choice_keys BEFORE INSERT OR UPDATE ON answer_choice FOR EACH ROW
EXECUTE FUNCTION answer_choice_report_keys()""",
    "statement_completion": """
CREATE TRIGGER statement_completion AFTER UPDATE OF ended_at, end_reason ON statement FOR EACH ROW
WHEN ((CASE WHEN OLD.end_reason IS NOT NULL THEN OLD.ended_at END) IS DISTINCT FROM (CASE WHEN NEW.end_reason IS NOT NULL THEN NEW.ended_at END))
EXECUTE FUNCTION statement_report_completion()""",
}

POSTGRES_TRIGGER_TABLES = {"answer_keys": "answer", "answer_keys_follow": "answer", "answer_choice_keys": "answer_choice",
                           "statement_completion": "statement"}


def upgrade() -> None:
    # In place, not in batch mode: SQLite (like PostgreSQL) adds a nullable column without copying the table.
    op.add_column("answer", sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("answer_choice", sa.Column("question_id", sa.String(length=64), nullable=True))
    op.add_column("answer_choice", sa.Column("skipped", sa.Boolean(), nullable=True))
    op.add_column("answer_choice", sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True))
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(
            "UPDATE answer AS a SET completed_at = " + COMPLETED + " FROM statement AS s WHERE s.id = a.statement_id"
        )
        op.execute(
            "UPDATE answer_choice AS c SET question_id = a.question_id, skipped = a.skipped, completed_at = a.completed_at "
            "FROM answer AS a WHERE a.id = c.answer_id"
        )
        for sql in [*POSTGRES_FUNCTIONS.values(), *POSTGRES_TRIGGERS.values()]:
            op.execute(sql)
    else:
        op.execute("UPDATE answer SET completed_at = (SELECT " + COMPLETED + " FROM statement AS s WHERE s.id = answer.statement_id)")
        op.execute(
            "UPDATE answer_choice SET (question_id, skipped, completed_at) = "
            "(SELECT a.question_id, a.skipped, a.completed_at FROM answer AS a WHERE a.id = answer_choice.answer_id)"
        )
        for sql in SQLITE_TRIGGERS.values():
            op.execute(sql)
    op.create_index("ix_answer_completed", "answer", list(ANSWER_INDEX), unique=False)
    op.create_index("ix_answer_choice_completed", "answer_choice", list(CHOICE_INDEX), unique=False)
    if not postgres:
        op.execute("ANALYZE answer")  # the planner's statistics for the new indexes (SQLite's skip-scan needs them)
        op.execute("ANALYZE answer_choice")


def downgrade() -> None:
    op.drop_index("ix_answer_choice_completed", table_name="answer_choice")
    op.drop_index("ix_answer_completed", table_name="answer")
    if op.get_bind().dialect.name == "postgresql":
        for name, table in POSTGRES_TRIGGER_TABLES.items():
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for name in POSTGRES_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    # Not in batch mode: a batch drop copies the table, which the tables that refer to it refuse once they hold rows.
    op.drop_column("answer_choice", "completed_at")
    op.drop_column("answer_choice", "skipped")
    op.drop_column("answer_choice", "question_id")
    op.drop_column("answer", "completed_at")
