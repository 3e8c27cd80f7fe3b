"""Helpers for the migration tests: a database emptied so that the migrations run from the very start."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from voice_app.db import make_engine


def emptied(database_url: str) -> Engine:
    """The test database with no tables, not even Alembic's record of a revision (create_all made the models' ones)."""
    engine = make_engine(database_url)
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    return engine
