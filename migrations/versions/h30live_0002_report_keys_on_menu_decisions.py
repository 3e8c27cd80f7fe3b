"""service report: menu decisions carry their statement's completion, kept right by triggers

Each menu decision gets `completed_at` (its statement's end once the statement has an end reason, NULL while it has
none), filled from the rows there and kept right by triggers (the statement's completion trigger now also updates its
decisions), with an index (item_id, outcome, completed_at): the report counts decisions from one index range, with no
join to statements (voice_app/models/report_keys.py holds the same DDL for `metadata.create_all`).

Revision ID: h30live_0002
Revises: h30live_0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "h30live_0002"
down_revision = "h30live_0001"
branch_labels = None
depends_on = None

DECISION_INDEX = ('item_id', 'outcome', 'completed_at')
COMPLETED = "CASE WHEN s.end_reason IS NOT NULL THEN s.ended_at END"

SQLITE_TRIGGERS = {
    "menu_decision_keys_inserted": """
CREATE TRIGGER menu_decision_keys_inserted AFTER INSERT ON menu_decision BEGIN
  UPDATE menu_decision SET completed_at = (SELECT CASE WHEN s.end_reason IS NOT NULL THEN s.ended_at END FROM statement AS s WHERE s.id = NEW.statement_id)
  WHERE id = NEW.id;
END""",
    "menu_decision_keys_changed": """
CREATE TRIGGER menu_decision_keys_changed AFTER UPDATE OF statement_id, completed_at ON menu_decision BEGIN
  UPDATE menu_decision SET completed_at = (SELECT CASE WHEN s.end_reason IS NOT NULL THEN s.ended_at END FROM statement AS s WHERE s.id = NEW.statement_id)
  WHERE id = NEW.id;
END""",
    "statement_completion_changed": """
CREATE TRIGGER statement_completion_changed AFTER UPDATE OF ended_at, end_reason ON statement
WHEN (CASE WHEN OLD.end_reason IS NOT NULL THEN OLD.ended_at END) IS NOT (CASE WHEN NEW.end_reason IS NOT NULL THEN NEW.ended_at END) BEGIN
  UPDATE answer SET completed_at = CASE WHEN NEW.end_reason IS NOT NULL THEN NEW.ended_at END WHERE statement_id = NEW.id;
  UPDATE menu_decision SET completed_at = CASE WHEN NEW.end_reason IS NOT NULL THEN NEW.ended_at END WHERE statement_id = NEW.id;
END""",
}
# What h30live_0001 made, put back by the downgrade.
SQLITE_STATEMENT_BEFORE = """
CREATE TRIGGER statement_completion_changed AFTER UPDATE OF ended_at, end_reason ON statement
WHEN (CASE WHEN OLD.end_reason IS NOT NULL THEN OLD.ended_at END) IS NOT (CASE WHEN NEW.end_reason IS NOT NULL THEN NEW.ended_at END) BEGIN
  UPDATE answer SET completed_at = CASE WHEN NEW.end_reason IS NOT NULL THEN NEW.ended_at END WHERE statement_id = NEW.id;
END"""

POSTGRES_STATEMENT_FUNCTION = """
CREATE OR REPLACE FUNCTION statement_report_completion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE answer SET completed_at = CASE WHEN NEW.end_reason IS NOT NULL THEN NEW.ended_at END WHERE statement_id = NEW.id;
  UPDATE menu_decision SET completed_at = CASE WHEN NEW.end_reason IS NOT NULL THEN NEW.ended_at END WHERE statement_id = NEW.id;
  RETURN NULL;
END
$$"""
POSTGRES_STATEMENT_FUNCTION_BEFORE = """
CREATE OR REPLACE FUNCTION statement_report_completion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE answer SET completed_at = CASE WHEN NEW.end_reason IS NOT NULL THEN NEW.ended_at END WHERE statement_id = NEW.id;
  RETURN NULL;
END
$$"""
POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION report_completion_from_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.completed_at := (SELECT CASE WHEN s.end_reason IS NOT NULL THEN s.ended_at END FROM statement AS s WHERE s.id = NEW.statement_id);
  RETURN NEW;
END
$$"""
POSTGRES_FUNCTION_BEFORE = """
CREATE OR REPLACE FUNCTION answer_report_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.completed_at := (SELECT CASE WHEN s.end_reason IS NOT NULL THEN s.ended_at END FROM statement AS s WHERE s.id = NEW.statement_id);
  RETURN NEW;
END
$$"""
POSTGRES_TRIGGER = """CREATE TRIGGER menu_decision_keys BEFORE INSERT OR UPDATE ON menu_decision FOR EACH ROW EXECUTE FUNCTION report_completion_from_statement()"""
POSTGRES_ANSWER_TRIGGER = """CREATE TRIGGER answer_keys BEFORE INSERT OR UPDATE ON answer FOR EACH ROW EXECUTE FUNCTION report_completion_from_statement()"""
POSTGRES_ANSWER_TRIGGER_BEFORE = """CREATE TRIGGER answer_keys BEFORE INSERT OR UPDATE ON answer FOR EACH ROW EXECUTE FUNCTION answer_report_keys()"""


def upgrade() -> None:
    op.add_column("menu_decision", sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True))
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("UPDATE menu_decision AS d SET completed_at = " + COMPLETED + " FROM statement AS s WHERE s.id = d.statement_id")
        # The function every answer's trigger calls, renamed now that decisions call it too.
        op.execute(POSTGRES_FUNCTION)
        op.execute("DROP TRIGGER answer_keys ON answer")
        op.execute(POSTGRES_ANSWER_TRIGGER)
        op.execute("DROP FUNCTION answer_report_keys()")
        op.execute(POSTGRES_STATEMENT_FUNCTION)
        op.execute(POSTGRES_TRIGGER)
    else:
        op.execute(
            "UPDATE menu_decision SET completed_at = (SELECT " + COMPLETED + " FROM statement AS s WHERE s.id = menu_decision.statement_id)"
        )
        op.execute("DROP TRIGGER statement_completion_changed")
        for sql in SQLITE_TRIGGERS.values():
            op.execute(sql)
    op.create_index("ix_menu_decision_completed", "menu_decision", list(DECISION_INDEX), unique=False)
    op.execute("ANALYZE menu_decision")


def downgrade() -> None:
    op.drop_index("ix_menu_decision_completed", table_name="menu_decision")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER menu_decision_keys ON menu_decision")
        op.execute(POSTGRES_STATEMENT_FUNCTION_BEFORE)
        op.execute(POSTGRES_FUNCTION_BEFORE)
        op.execute("DROP TRIGGER answer_keys ON answer")
        op.execute(POSTGRES_ANSWER_TRIGGER_BEFORE)
        op.execute("DROP FUNCTION report_completion_from_statement()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
        op.execute(SQLITE_STATEMENT_BEFORE)
    op.drop_column("menu_decision", "completed_at")
