"""Team mode's own connections to the shared PostgreSQL: a session lock and the change
feed (docs/team.md).

Each lives on a dedicated connection outside the store's pool, because both belong to
a database *session*: a session advisory lock is held exactly as long as its session,
so a process that dies — SIGKILL included — loses it the moment the server sees its
connection close, and no lease has to run out; `LISTEN` hears only on the session that
issued it. Notifications come from the triggers of migration 0007, at commit.
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from noc_console.models.cache.database import make_engine
from noc_console.models.cache.sql import driver_line
from noc_console.models.errors import StoreError

#: The channel migration 0007's triggers notify on.
CHANNEL = "noc_console"
#: The session advisory lock the active sync service holds ("NOC" and 2).
SERVICE_LOCK = 0x4E4F4302


@dataclass(frozen=True, slots=True)
class Change:
    """A committed change: `table` (incidents, outbox, handovers), and for incidents and
    the outbox the `source` and its external `ids` (None: any of that source)."""

    table: str
    source: str | None = None
    ids: tuple[str, ...] | None = None


class _Dedicated:
    """One autocommit connection of its own, opened on first use and again after it
    broke."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._engine: Engine | None = None
        self._connection: Connection | None = None

    def _open(self) -> Connection:
        if self._connection is None:
            try:
                self._engine = make_engine(
                    self._url, poolclass=NullPool, isolation_level="AUTOCOMMIT"
                )
                self._connection = self._engine.connect()
            except DBAPIError as exc:
                self.close()
                raise StoreError(f"cannot reach the shared database: {driver_line(exc)}") from exc
        return self._connection

    def _driver(self) -> Any:
        """The psycopg connection under the SQLAlchemy one."""
        return self._open().connection.driver_connection

    def close(self) -> None:
        if self._connection is not None:
            with suppress(DBAPIError):  # broken already: nothing left to close
                self._connection.close()
        if self._engine is not None:
            self._engine.dispose()
        self._connection = self._engine = None


class SessionLock(_Dedicated):
    """A PostgreSQL session advisory lock on a connection of its own."""

    def __init__(self, url: str, key: int = SERVICE_LOCK) -> None:
        super().__init__(url)
        self._key = key
        self._held = False

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; False when another session does. A
        StoreError when the database cannot be reached."""
        if self._held:
            return self.held()
        try:
            got = self._open().execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key})
            self._held = bool(got.scalar())
        except DBAPIError as exc:
            self.close()
            raise StoreError(f"cannot reach the shared database: {driver_line(exc)}") from exc
        return self._held

    def held(self) -> bool:
        """Still held: the lock's session answers (a broken session has lost it)."""
        if not self._held or self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
        except DBAPIError:
            self.close()
            return False
        return True

    def close(self) -> None:
        """Release the lock (by ending its session)."""
        self._held = False
        super().close()


class ChangeFeed(_Dedicated):
    """`LISTEN noc_console` on a connection of its own."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self._listening = False

    def wait(self, timeout: float) -> list[Change]:
        """The changes committed since the last call, waiting up to `timeout` seconds
        for the first. A StoreError when the connection broke (call again to reconnect;
        changes meanwhile are lost, so the caller reloads)."""
        import psycopg  # the team extra; only a shared database gets here

        try:
            driver = self._driver()
            if not self._listening:
                driver.execute(f"LISTEN {CHANNEL}")
                self._listening = True
            found = [_change(n.payload) for n in driver.notifies(timeout=timeout, stop_after=1)]
            if found:  # and whatever else arrived with it
                found += [_change(n.payload) for n in driver.notifies(timeout=0.0)]
        except (DBAPIError, psycopg.Error, OSError) as exc:
            self.close()
            reason = driver_line(exc) if isinstance(exc, DBAPIError) else " ".join(str(exc).split())
            raise StoreError(f"lost the shared database's change feed: {reason}") from exc
        return found

    def close(self) -> None:
        self._listening = False
        super().close()


def _change(payload: str) -> Change:
    try:
        data = json.loads(payload)
        ids = data.get("ids")
        return Change(
            str(data["table"]),
            str(data["source"]) if data.get("source") is not None else None,
            tuple(str(i) for i in ids) if isinstance(ids, list) else None,
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return Change("unknown")  # not from our triggers: "something changed"
