"""Opening the cache: engine set-up, SQLite pragmas, migrations, clear errors.

Every failure to open becomes a `StoreError` whose message names the database and
says what to do, because the person reading it is a NOC technician at start-up.

SQLite runs with real transactions for DDL too: Python's sqlite3 driver otherwise
commits each `CREATE TABLE` on its own, and a process killed during the first
migration would leave tables without an `alembic_version` — a cache that no longer
opens. Following SQLAlchemy's pysqlite recipe, the driver's own transaction handling
is switched off and the engine emits `BEGIN` itself: `BEGIN IMMEDIATE` for the store's
writes and migrations (so two processes serialise on the write lock instead of failing
on a stale snapshot), a deferred `BEGIN` for reads.

A database is only ever migrated when it is empty or already ours: another
application's SQLite file, or a cache written by a newer NOC Console, is refused.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
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
HEAD_REVISION = "0007"
#: Every revision this version knows, oldest first (a test checks it against Alembic).
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
#: Execution option that makes a connection's transaction take SQLite's write lock at
#: BEGIN (`BEGIN IMMEDIATE`); the store's writes and migrations set it.
WRITE = "noc_write"
#: How long a writer waits for another process's write lock before giving up (ms).
BUSY_TIMEOUT_MS = 15_000

_MIGRATIONS = Path(__file__).with_name("migrations")


def open_engine(url: str) -> Engine:
    """An engine on `url` with the schema at the newest revision."""
    try:
        parsed = make_url(url)
        engine = create_engine(parsed)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise StoreError(f"cannot use database URL {url!r}: {exc}") from exc
    except ImportError as exc:  # the dialect exists but its DBAPI driver is not installed
        raise StoreError(
            f"cannot use database URL {_hidden(url)}: its driver is not installed "
            f"({exc.name or exc}); install it into NOC Console's Python environment "
            "(PostgreSQL: pip install psycopg2-binary, or psycopg with postgresql+psycopg://)"
        ) from exc
    where = _describe(url)
    if engine.dialect.name == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            _prepare_sqlite_file(Path(database), where)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    try:
        migrate(engine)
    except StoreError:
        engine.dispose()
        raise
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


def _prepare_sqlite_file(path: Path, where: str) -> None:
    """Check the folder, and create a new cache file readable by its owner only.

    The cache holds every client's tickets: 0600, whatever the umask (SQLite gives its
    -wal and -shm files the same permissions as the database file).
    """
    folder = path.parent
    if not folder.is_dir():
        raise StoreError(f"cannot open the cache {where}: folder {folder} does not exist")
    if path.exists():
        return
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(
            f"cannot create the cache {where}: folder {folder} is not writable by this user; "
            "fix its permissions or choose another location with --db sqlite:///PATH"
        )
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return  # another process created it a moment ago
    except OSError as exc:
        raise StoreError(f"cannot create the cache {where}: {exc.strerror}") from exc
    try:
        os.fchmod(descriptor, 0o600)
    finally:
        os.close(descriptor)


def _hidden(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return repr(url)


def _describe(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return f"file {parsed.database}"
    return f"database {parsed.render_as_string(hide_password=True)}"


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # Readers never block the writer. Not on someone else's database: `migrate`
        # refuses it, and it must be left exactly as it was.
        tables = {name for (name,) in cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}  # fmt: skip
        if not tables or "alembic_version" in tables:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable across app crashes in WAL mode
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()
    # The engine issues BEGIN itself (_sqlite_begin), so DDL is transactional too.
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


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
        return _revision(connection)


def _revision(connection: Connection) -> str | None:
    if not connection.dialect.has_table(connection, "alembic_version"):
        return None
    value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(value) if value is not None else None


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision, in one transaction.

    Two processes opening a new cache at once take turns: the second waits for the
    first's write lock, then finds the schema current. Refuses (StoreError) a database
    that holds tables but is not a NOC Console cache, or one a newer version wrote.
    """
    if current_revision(engine) == HEAD_REVISION:
        return
    where = _describe(engine.url.render_as_string(hide_password=False))
    with engine.connect() as connection:
        connection.execution_options(**{WRITE: True})
        with connection.begin():
            revision = _revision(connection)
            if revision == HEAD_REVISION:
                return  # another process migrated it while we waited
            _check_ours(connection, revision, where)
            from alembic import command

            log.info("migrating the cache %s to revision %s", where, HEAD_REVISION)
            config = _alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")


def _check_ours(connection: Connection, revision: str | None, where: str) -> None:
    """Refuse to migrate a database that is someone else's, or newer than us."""
    if revision is None:
        tables = sorted(inspect(connection).get_table_names())
        if tables:
            shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
            raise StoreError(
                f"{where} is not a NOC Console cache (it holds other tables: {shown}); "
                "refusing to change it — point --db at a new file or an empty database"
            )
        return
    if revision in KNOWN_REVISIONS:
        return
    if revision.isdigit() and int(revision) > int(HEAD_REVISION):
        raise StoreError(
            f"the cache {where} was written by a newer NOC Console (schema {revision}; this "
            f"version knows up to {HEAD_REVISION}): install that newer version, or use "
            "another cache with --db"
        )
    raise StoreError(
        f"{where} is not a NOC Console cache (its alembic_version is {revision!r}, "
        "not one of ours); refusing to change it — point --db at a new file"
    )
