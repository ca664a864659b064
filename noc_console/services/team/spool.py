"""The desk spool: a team console's triage actions, kept durably on this desk until the
shared outbox has them (docs/team.md, "When a console loses the database").

A console on a shared database writes every action here first — one small SQLite file
in the user's data folder, one per shared database — and `SpoolDrainer`
(`spool_drain.py`) moves them into the shared outbox in the order they were taken,
at once while the database answers, when it answers again otherwise. Always first,
not only when the database is down: one path, so an action is never in two minds
about where it went, and a console killed at any instant has each action either
here, in the outbox, or in both (never in neither); the outbox's unique action `id`
makes the "both" harmless — draining it again inserts nothing.

Plain `sqlite3`, not the store: this file holds copies of actions, not the cache, and
must open when the shared database cannot be reached.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from noc_console.models.actions import Action, action_fields, action_from_fields
from noc_console.models.errors import StoreError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS spool (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    action TEXT NOT NULL
)
"""


def spool_file(folder: Path, database: str) -> Path:
    """The spool of the shared database `database` (`Store.place`) in `folder`: a
    console pointed at another database keeps its actions apart."""
    digest = hashlib.sha256(database.encode("utf-8")).hexdigest()[:16]
    return folder / "spool" / f"{digest}.sqlite3"


class DeskSpool:
    """Actions waiting on this desk, oldest first. Safe to share between threads and
    between processes of the same user (SQLite's own locking)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with self._connection() as connection:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot keep actions on this desk in {path}: {exc}") from exc

    def put(self, action: Action) -> None:
        """Keep `action` (durable when this returns; an action kept already is not
        kept twice)."""
        with self._writing() as connection:
            connection.execute(
                "INSERT OR IGNORE INTO spool (id, action) VALUES (?, ?)",
                (action.id, json.dumps(_to_json(action))),
            )

    def head(self, limit: int = 100) -> list[tuple[int, Action]]:
        """The oldest `limit` actions with their place in the spool."""
        with self._writing() as connection:
            found = connection.execute(
                "SELECT n, action FROM spool ORDER BY n LIMIT ?", (limit,)
            ).fetchall()
        return [(int(n), _from_json(json.loads(text))) for n, text in found]

    def remove(self, n: int) -> None:
        """The action at `n` is in the shared outbox now."""
        with self._writing() as connection:
            connection.execute("DELETE FROM spool WHERE n = ?", (n,))

    def count(self) -> int:
        with self._writing() as connection:
            return int(connection.execute("SELECT count(*) FROM spool").fetchone()[0])

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        try:
            with self._lock, self._connection() as connection, connection:
                yield connection
        except sqlite3.Error as exc:
            where = f"the actions kept on this desk ({self.path})"
            raise StoreError(f"cannot use {where}: {exc}") from exc

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A connection for one use: short, so no file handle outlives a transaction and
        another process on the desk (a second console) takes its turn."""
        with closing(sqlite3.connect(self.path, timeout=15.0)) as connection:
            connection.execute("PRAGMA synchronous=FULL")  # durable at each commit
            yield connection


def _to_json(action: Action) -> dict[str, Any]:
    created = action.created_at
    return {**action_fields(action), "created_at": created.isoformat() if created else None}


def _from_json(data: dict[str, Any]) -> Action:
    created = data.get("created_at")
    return action_from_fields(
        {**data, "created_at": datetime.fromisoformat(created) if created else None}
    )
