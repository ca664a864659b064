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

A shared PostgreSQL database (team mode, docs/team.md) is never migrated by opening it:
a console finds it current, or says to run `noc-console db upgrade` (older) or which
version to install (newer). `upgrade` migrates it under a transaction-level advisory
lock, so two upgrades at once take turns. PostgreSQL's JSON refuses NaN and Infinity,
which Python's json writes for a PSA's non-finite numbers: there they are stored as
the strings "NaN", "Infinity" and "-Infinity".
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import ConnectionPoolEntry

from noc_console import __version__
from noc_console.models.cache.postgres_login import (
    readable,
    refusal_advice,
    shown,
    supply_passwords,
)
from noc_console.models.errors import StoreError
from noc_console.models.record_text import is_number

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)
T = TypeVar("T")

#: The newest migration. Start-up compares the cache with it and imports Alembic (a
#: fifth of the start-up time) only when there is something to migrate. A test checks
#: that it names Alembic's head.
HEAD_REVISION = "0013"
#: Every revision this version knows, oldest first (a test checks it against Alembic).
KNOWN_REVISIONS = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0012",
    "0013",
)
#: Execution option that makes a connection's transaction take SQLite's write lock at
#: BEGIN (`BEGIN IMMEDIATE`); the store's writes and migrations set it.
WRITE = "noc_write"
#: How long a writer waits for another process's write lock before giving up (ms).
BUSY_TIMEOUT_MS = 15_000

#: The transaction-level advisory lock `upgrade` takes on PostgreSQL (any constant
#: shared by every version; "NOC" and 1).
SCHEMA_LOCK = 0x4E4F4301
#: `cache_meta` key naming the version that last migrated the schema.
WRITTEN_BY = "schema_written_by"

_MIGRATIONS = Path(__file__).with_name("migrations")


def is_shared(url: str) -> bool:
    """True for a database a team shares (PostgreSQL): consoles on it run no
    connectors and never migrate it (docs/team.md)."""
    try:
        return make_url(url).get_backend_name() == "postgresql"
    except ArgumentError:
        return False


def open_engine(url: str) -> Engine:
    """An engine on `url` with the schema at the newest revision: an SQLite cache is
    migrated, a shared PostgreSQL database must be current already."""
    engine = make_engine(url)
    _opened(engine, check_current if engine.dialect.name == "postgresql" else migrate)
    return engine


def upgrade(url: str) -> tuple[str | None, str]:
    """Migrate the database at `url` to the newest revision (`noc-console db upgrade`);
    (revision before, revision now)."""
    engine = make_engine(url)
    try:
        return _opened(engine, migrate), HEAD_REVISION
    finally:
        engine.dispose()


def check_login(url: str) -> None:
    """Connect to `url` once (`db set-password` shows the password works); a StoreError
    says what the server or libpq refused."""
    engine = make_engine(url)
    try:
        _opened(engine, _connect)
    finally:
        engine.dispose()


def _connect(engine: Engine) -> None:
    engine.connect().close()


def make_engine(url: str, **options: Any) -> Engine:
    """An engine on `url`, not yet connected (`options` go to `create_engine`): SQLite
    with its pragmas and transactions, PostgreSQL with JSON it accepts and passwords
    from the installed source (postgres_login.py). Every engine on a database is made
    here. A URL that cannot be used is a StoreError (which never shows a password)."""
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "postgresql":
            options.setdefault("json_serializer", finite_json)
        engine = create_engine(parsed, **options)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise StoreError(f"cannot use database URL {shown(url)!r}: {shown(str(exc))}") from exc
    except ImportError as exc:  # the dialect exists but its DBAPI driver is not installed
        raise StoreError(
            f"cannot use database URL {shown(url)}: its driver is not installed "
            f"({exc.name or exc}); install NOC Console's `team` extra "
            "(pip install 'noc-console[team]': psycopg, with postgresql+psycopg://)"
        ) from exc
    if engine.dialect.name == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            _prepare_sqlite_file(Path(database), _describe(url))
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    elif engine.dialect.name == "postgresql":
        supply_passwords(engine)
    return engine


def finite_json(value: object) -> str:
    """JSON text PostgreSQL accepts: non-finite numbers (NaN, ±Infinity, which a PSA's
    raw record may hold and Python's json writes as bare tokens) become strings."""
    try:
        return json.dumps(value, allow_nan=False)
    except ValueError:
        return json.dumps(_finite(value), allow_nan=False)


def _finite(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _opened(engine: Engine, step: Callable[[Engine], T]) -> T:
    """`step` on a new engine; failures become a StoreError naming the database."""
    where = _describe(engine.url.render_as_string(hide_password=False))
    try:
        return step(engine)
    except StoreError:
        engine.dispose()
        raise
    except DBAPIError as exc:
        engine.dispose()
        reason = " ".join((str(exc.orig) if exc.orig is not None else str(exc)).split())
        if "not a database" in reason or "malformed" in reason:
            raise StoreError(
                f"the cache {where} is corrupt ({reason}); it holds only copies, so move it "
                "aside (or delete it) and start again to rebuild it from the connectors"
            ) from exc
        if engine.dialect.name == "postgresql":
            advice = refusal_advice(reason, readable(engine.url))
            tail = f"; {advice}" if advice else ""
            raise StoreError(f"cannot connect to the shared {where}: {reason}{tail}") from exc
        raise StoreError(f"cannot open the cache {where}: {reason}") from exc


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


def _describe(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return f"file {parsed.database}"
    return f"database {readable(parsed)}"


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


def migrate(engine: Engine) -> str | None:
    """Bring the schema to the newest revision, in one transaction.

    Two processes opening a new cache at once take turns: the second waits for the
    first's write lock, then finds the schema current. Refuses (StoreError) a database
    that holds tables but is not a NOC Console cache, or one a newer version wrote.
    Returns the revision it found (HEAD_REVISION: nothing to do).
    """
    if current_revision(engine) == HEAD_REVISION:
        return HEAD_REVISION
    where = _describe(engine.url.render_as_string(hide_password=False))
    with engine.connect() as connection:
        connection.execution_options(**{WRITE: True})
        with connection.begin():
            if connection.dialect.name == "postgresql":  # upgrades take turns
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
            revision = _revision(connection)
            if revision == HEAD_REVISION:
                return revision  # another process migrated it while we waited
            _check_ours(connection, revision, where)
            from alembic import command

            log.info("migrating the cache %s to revision %s", where, HEAD_REVISION)
            config = _alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.execute(text("DELETE FROM cache_meta WHERE key = :key"), {"key": WRITTEN_BY})
            connection.execute(
                text("INSERT INTO cache_meta (key, value) VALUES (:key, :value)"),
                {"key": WRITTEN_BY, "value": __version__},
            )
    return revision


def check_current(engine: Engine) -> None:
    """Refuse (StoreError) a shared database whose schema is not this version's: older
    ones are upgraded by `noc-console db upgrade`, never by a console opening them."""
    where = _describe(engine.url.render_as_string(hide_password=False))
    with engine.connect() as connection:
        revision = _revision(connection)
        if revision == HEAD_REVISION:
            return
        _check_ours(connection, revision, where)
    url = readable(engine.url)
    found = f"is at schema {revision}" if revision else "has no NOC Console schema yet"
    raise StoreError(
        f"the shared database {where} {found}; this version needs {HEAD_REVISION}: run "
        f"`noc-console --db {url} db upgrade` (the sync service's host usually does)"
    )


def _check_ours(connection: Connection, revision: str | None, where: str) -> None:
    """Refuse to migrate a database that is someone else's, or newer than us."""
    if revision is None:
        tables = sorted(inspect(connection).get_table_names())
        if tables:
            listed = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
            raise StoreError(
                f"{where} is not a NOC Console cache (it holds other tables: {listed}); "
                "refusing to change it — point --db at a new file or an empty database"
            )
        return
    if revision in KNOWN_REVISIONS:
        return
    if is_number(revision) and int(revision) > int(HEAD_REVISION):
        writer = _written_by(connection)
        install = f"install NOC Console {writer} or newer" if writer else "install that version"
        raise StoreError(
            f"the cache {where} was written by a newer NOC Console (schema {revision}; this "
            f"version, {__version__}, knows up to {HEAD_REVISION}): {install}, or use "
            "another cache with --db"
        )
    raise StoreError(
        f"{where} is not a NOC Console cache (its alembic_version is {revision!r}, "
        "not one of ours); refusing to change it — point --db at a new file"
    )


def _written_by(connection: Connection) -> str | None:
    """The version that last migrated the schema (`cache_meta`, from 0008 on)."""
    if not connection.dialect.has_table(connection, "cache_meta"):
        return None
    value = connection.execute(
        text("SELECT value FROM cache_meta WHERE key = :key"), {"key": WRITTEN_BY}
    ).scalar()
    return str(value) if value else None
