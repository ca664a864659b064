"""Opening the cache: engine set-up, SQLite pragmas, migrations, clear errors.

Every failure to open becomes a `StoreError` whose message names the database and
says what to do, because the person reading it is a NOC technician at start-up.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import ConnectionPoolEntry

from noc_console.models.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

#: The newest migration. Start-up compares the cache with it and imports Alembic (a
#: fifth of the start-up time) only when there is something to migrate. A test checks
#: that it names Alembic's head.
HEAD_REVISION = "0005"

_MIGRATIONS = Path(__file__).with_name("migrations")


def open_engine(url: str) -> Engine:
    """An engine on `url` with the schema at the newest revision."""
    try:
        parsed = make_url(url)
        engine = create_engine(parsed)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise StoreError(f"cannot use database URL {url!r}: {exc}") from exc
    where = _describe(url)
    if engine.dialect.name == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not Path(database).parent.is_dir():
            raise StoreError(
                f"cannot open the cache {where}: folder {Path(database).parent} does not exist"
            )
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        migrate(engine)
    except DBAPIError as exc:
        engine.dispose()
        reason = str(exc.orig) if exc.orig is not None else str(exc)
        if "not a database" in reason or "malformed" in reason:
            raise StoreError(
                f"the cache {where} is corrupt ({reason}); it holds only copies, so move it "
                "aside (or delete it) and start again to rebuild it from the connectors"
            ) from exc
        raise StoreError(f"cannot open the cache {where}: {reason}") from exc
    return engine


def _describe(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return f"file {parsed.database}"
    return f"database {parsed.render_as_string(hide_password=True)}"


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable across app crashes in WAL mode
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def head_revision() -> str:
    """Alembic's head, read from the migration scripts."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The cache's revision, or None for a cache without the version table."""
    with engine.connect() as connection:
        if not engine.dialect.has_table(connection, "alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision, in one transaction."""
    if current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command

    log.info("migrating the cache to revision %s", HEAD_REVISION)
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
