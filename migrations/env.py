"""Alembic environment: the URL comes from the caller (voice-app db upgrade) or VOICE_APP_DATABASE_URL."""

from alembic import context
from sqlmodel import SQLModel

import voice_app.models  # noqa: F401 - registers every table on SQLModel.metadata
from voice_app.config import Settings
from voice_app.db import make_engine, normalise_url

config = context.config
target_metadata = SQLModel.metadata


def _url() -> str:
    return normalise_url(config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url)


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _render_item(type_, obj, autogen_context):
    """Write our column types as plain SQLAlchemy ones, so migrations never import app code."""
    if type_ == "type":
        from sqlmodel.sql.sqltypes import AutoString

        from voice_app.crypto import EncryptedText
        from voice_app.models.base import UTCDateTime

        if isinstance(obj, EncryptedText):
            return "sa.Text()"
        if isinstance(obj, UTCDateTime):
            return "sa.DateTime(timezone=True)"
        if isinstance(obj, AutoString):
            return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False


def _for_this_database(connection):
    """Alembic's comparison skips what the models make on another database only (an index's `ddl_if(dialect=...)`)."""

    def include_object(obj, _name, type_, _reflected, _compare_to) -> bool:
        only_on = getattr(obj, "_ddl_if", None) if type_ == "index" else None
        return only_on is None or only_on.dialect is None or only_on.dialect == connection.dialect.name

    return include_object


def _run(connection) -> None:
    # Batch mode lets SQLite alter tables by copying them, the way Alembic recommends.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True, render_item=_render_item,
                      include_object=_for_this_database(connection)
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
