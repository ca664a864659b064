"""Small shared pieces of the store's SQL: tables (from schema.py), transactions, key
filters.

The store is used from several threads (a sync thread per connector, the GUI's serial
worker); every write takes the one write lock, so there is a single writer at a time
as DESIGN.md §1 asks, whatever the database.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from typing import Any

from sqlalchemy import and_, bindparam, or_
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from noc_console.models.cache.database import WRITE
from noc_console.models.cache.schema import CLIENTS, INCIDENTS, OUTBOX, PAUSES, SYNC_STATE
from noc_console.models.errors import StoreError
from noc_console.models.incident import IncidentKey

__all__ = ["CLIENTS", "INCIDENTS", "OUTBOX", "PAUSES", "SYNC_STATE", "Row", "Transaction", "chunks",
           "key_filter", "vars_of"]  # fmt: skip

Row = Any  # a result row of the columns selected; SQLAlchemy's own Row type is variadic
CHUNK = 400  # keys per IN (...) query; well under every backend's parameter limit


class Transaction:
    """A connection in a transaction; database failures become `StoreError`.

    With the write lock it is a write transaction: one writer per process (the lock)
    and, on SQLite, the database's write lock taken at BEGIN, so writers in other
    processes wait their turn instead of failing on a stale snapshot.
    """

    def __init__(self, engine: Engine, write_lock: threading.RLock | None) -> None:
        self._engine = engine
        self._lock = write_lock
        self._context = ExitStack()

    def __enter__(self) -> Connection:
        if self._lock is not None:
            self._lock.acquire()
        try:
            connection = self._context.enter_context(self._engine.connect())
            if self._lock is not None:
                connection.execution_options(**{WRITE: True})
                self._context.enter_context(connection.begin())
        except DBAPIError as exc:
            self._context.close()
            self._release()
            said = driver_line(exc)
            raise StoreError(f"cannot use the cache {self._engine.url}: {said}") from exc
        except BaseException:
            self._context.close()
            self._release()
            raise
        return connection

    def __exit__(self, *exc_info: Any) -> None:
        try:
            self._context.__exit__(*exc_info)
        except DBAPIError as exc:
            said = driver_line(exc)
            raise StoreError(f"cannot write the cache {self._engine.url}: {said}") from exc
        finally:
            self._release()
        if isinstance(exc_info[1], DBAPIError):
            said = driver_line(exc_info[1])
            raise StoreError(f"cache {self._engine.url}: {said}") from exc_info[1]

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()


def driver_line(exc: DBAPIError) -> str:
    """What the database driver said, on one line (psycopg's "connection refused" comes
    with a tab-indented hint on a second line): every `StoreError` is one line."""
    return " ".join(str(exc.orig if exc.orig is not None else exc).split())


def key_filter(keys: Sequence[IncidentKey], columns: Any) -> Any:
    """WHERE (source, external_id) IN keys, grouped by source.

    The ids go in as one expanding parameter: `in_(ids)` would make (and type-check) a
    literal for each of a page's thousand ids, three queries a page."""
    by_source: dict[str, list[str]] = {}
    for source, external_id in keys:
        by_source.setdefault(source, []).append(external_id)
    ids_type = columns.external_id.type
    return or_(
        *(
            and_(
                columns.source == s,
                columns.external_id.in_(bindparam(None, ids, ids_type, expanding=True)),
            )
            for s, ids in by_source.items()
        )
    )


def chunks(keys: Sequence[IncidentKey]) -> Iterator[Sequence[IncidentKey]]:
    for start in range(0, len(keys), CHUNK):
        yield keys[start : start + CHUNK]


def vars_of(value: Any) -> dict[str, Any]:
    """Fields of a slotted dataclass as a dict."""
    return {name: getattr(value, name) for name in value.__slots__}
