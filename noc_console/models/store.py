"""The local cache: incidents, clients and sync state, behind a small API.

The store is the only place that touches SQLAlchemy sessions. Each mutation is one
transaction and returns a `ChangeSet` of the keys it changed; reads return frozen
`BoardRow`s. It is used from one thread at a time (the serial writer in the
services; the command line), never from the GUI thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import bindparam

from noc_console.models.board_row import BoardRow, ChangeSet
from noc_console.models.contract import DEFAULT_POLICY, ClientTerms, SlaPolicy
from noc_console.models.database import open_engine
from noc_console.models.errors import StoreError
from noc_console.models.incident import Client, Incident, IncidentKey, Status, Tier
from noc_console.models.incident_columns import Previous, board_row, columns, next_pauses
from noc_console.models.pauses import Pause
from noc_console.models.schema import ClientRecord, IncidentRecord, PauseRecord, SyncStateRecord

_CHUNK = 400  # keys per IN (...) query; well under every backend's parameter limit
_INCIDENTS = cast(Table, IncidentRecord.__table__)
_CLIENTS = cast(Table, ClientRecord.__table__)
_SYNC_STATE = cast(Table, SyncStateRecord.__table__)
_PAUSES = cast(Table, PauseRecord.__table__)
_I = _INCIDENTS.c
Row = Any  # a result row of the columns selected; SQLAlchemy's own Row type is variadic
_ROW_COLUMNS = (
    _I.source, _I.external_id, _I.client_id, _I.title, _I.status, _I.priority, _I.tier,
    _I.assignee, _I.created_at, _I.updated_at, _I.responded_at, _I.resolved_at,
    _I.response_due, _I.resolution_due, _I.response_due_origin, _I.resolution_due_origin,
    _I.response_target_s, _I.resolution_target_s, _I.paused_since, _I.next_deadline,
    _I.impact, _I.urgency, _I.status_since, _I.tier_since,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SyncState:
    connector: str
    watermark: datetime | None = None
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None


class Store:
    """The cache. Open with `Store.open(url)`; close with `close()`."""

    def __init__(self, engine: Engine, policy: SlaPolicy = DEFAULT_POLICY) -> None:
        self._engine = engine
        self._policy = policy
        self._clients: dict[str, Client] = {}
        self._terms_cache: dict[str, ClientTerms] = {}
        with self._reading() as connection:
            for r in connection.execute(select(_CLIENTS)):
                self._clients[r.id] = Client(r.id, r.name, r.contract, r.calendar)

    @classmethod
    def open(cls, url: str, policy: SlaPolicy = DEFAULT_POLICY) -> Store:
        return cls(open_engine(url), policy)

    @property
    def policy(self) -> SlaPolicy:
        return self._policy

    def close(self) -> None:
        self._engine.dispose()

    @property
    def url(self) -> str:
        return self._engine.url.render_as_string(hide_password=True)

    # ------------------------------------------------------------------ writes
    def upsert_clients(self, clients: Iterable[Client]) -> None:
        changed = [c for c in clients if self._clients.get(c.id) != c]
        if not changed:
            return
        table = _CLIENTS
        with self._writing() as connection:
            known = set(
                connection.scalars(
                    select(table.c.id).where(table.c.id.in_([c.id for c in changed]))
                )
            )
            fresh = [vars_of(c) for c in changed if c.id not in known]
            stale = [
                {"b_id": c.id, "name": c.name, "contract": c.contract}
                for c in changed
                if c.id in known
            ]
            if fresh:
                connection.execute(insert(table), fresh)
            if stale:
                connection.execute(update(table).where(table.c.id == bindparam("b_id")), stale)
        self._clients.update((c.id, c) for c in changed)
        self._terms_cache.clear()

    def upsert_incidents(self, incidents: Sequence[Incident]) -> ChangeSet:
        """Write a page of incidents in one transaction; return the keys that changed.

        Keeps each incident's pause history, and computes due dates from the client's
        terms unless the source supplied them.
        """
        if not incidents:
            return ChangeSet()
        latest: dict[IncidentKey, Incident] = {i.key: i for i in incidents}
        table = _INCIDENTS
        with self._writing() as connection:
            keys = list(latest)
            existing = self._existing(connection, keys)
            histories = self._pauses(connection, keys)
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            pause_keys: list[IncidentKey] = []
            new_pauses: list[dict[str, Any]] = []
            for key, incident in latest.items():
                previous = existing.get(key)
                if previous is not None and _unchanged(previous, incident):
                    continue
                terms = self._terms(incident.client_id)
                pauses, paused_changed = next_pauses(incident, terms, histories.get(key, []))
                if paused_changed:
                    pause_keys.append(key)
                    new_pauses.extend(
                        {"source": key.source, "external_id": key.external_id,
                         "started_at": p.start, "ended_at": p.end, "status": p.status}
                        for p in pauses
                    )  # fmt: skip
                before = _previous(previous) if previous is not None else None
                values = columns(incident, before, terms, pauses)
                if previous is None:
                    inserts.append(values)
                else:
                    values["b_source"], values["b_external_id"] = key
                    del values["source"], values["external_id"]
                    updates.append(values)
            if inserts:
                connection.execute(insert(table), inserts)
            if updates:
                statement = update(table).where(
                    and_(
                        table.c.source == bindparam("b_source"),
                        table.c.external_id == bindparam("b_external_id"),
                    )
                )
                connection.execute(statement, updates)
            for chunk in _chunks(pause_keys):
                connection.execute(_PAUSES.delete().where(_key_filter(chunk, _PAUSES.c)))
            if new_pauses:
                connection.execute(insert(_PAUSES), new_pauses)
        changed = frozenset(IncidentKey(v["source"], v["external_id"]) for v in inserts)
        changed |= frozenset(IncidentKey(v["b_source"], v["b_external_id"]) for v in updates)
        return ChangeSet(changed)

    def record_sync(
        self,
        connector: str,
        attempt_at: datetime,
        watermark: datetime | None = None,
        error: str | None = None,
    ) -> SyncState:
        """Remember a sync attempt; a successful one (no error) may move the watermark."""
        previous = self.sync_state(connector)
        state = SyncState(
            connector=connector,
            watermark=watermark if watermark is not None else previous.watermark,
            last_attempt_at=attempt_at,
            last_success_at=attempt_at if error is None else previous.last_success_at,
            last_error=error,
        )
        table = _SYNC_STATE
        with self._writing() as connection:
            values = vars_of(state)
            exists = connection.execute(
                select(table.c.connector).where(table.c.connector == connector)
            ).first()
            if exists:
                connection.execute(update(table).where(table.c.connector == connector), values)
            else:
                connection.execute(insert(table), values)
        return state

    # ------------------------------------------------------------------ reads
    def sync_state(self, connector: str) -> SyncState:
        table = _SYNC_STATE
        with self._reading() as connection:
            record = connection.execute(select(table).where(table.c.connector == connector)).first()
        return SyncState(**record._asdict()) if record else SyncState(connector)

    def sync_states(self) -> list[SyncState]:
        table = _SYNC_STATE
        with self._reading() as connection:
            return [SyncState(**r._asdict()) for r in connection.execute(select(table))]

    def open_rows(self) -> list[BoardRow]:
        """Every open incident, nearest deadline first (no deadline last)."""
        query = (
            select(*_ROW_COLUMNS)
            .where(_I.is_open.is_(True))
            .order_by(_I.next_deadline.is_(None), _I.next_deadline, _I.source, _I.external_id)
        )
        with self._reading() as connection:
            return [self._row(r) for r in connection.execute(query)]

    def rows(self, keys: Iterable[IncidentKey]) -> list[BoardRow]:
        """The current rows of `keys` (open or not); unknown keys are left out."""
        result: list[BoardRow] = []
        with self._reading() as connection:
            for chunk in _chunks(list(keys)):
                query = select(*_ROW_COLUMNS).where(_key_filter(chunk))
                result.extend(self._row(r) for r in connection.execute(query))
        return result

    def open_count(self) -> int:
        with self._reading() as connection:
            count = connection.scalar(
                select(func.count()).select_from(IncidentRecord).where(_I.is_open.is_(True))
            )
        return int(count or 0)

    def client(self, client_id: str) -> Client | None:
        return self._clients.get(client_id)

    # ------------------------------------------------------------------ helpers
    def _existing(self, connection: Connection, keys: list[IncidentKey]) -> dict[IncidentKey, Row]:
        found: dict[IncidentKey, Row] = {}
        columns = (_I.source, _I.external_id, _I.version, _I.status, _I.tier,
                   _I.status_since, _I.tier_since)  # fmt: skip
        for chunk in _chunks(keys):
            for record in connection.execute(select(*columns).where(_key_filter(chunk))):
                found[IncidentKey(record.source, record.external_id)] = record
        return found

    def _terms(self, client_id: str) -> ClientTerms:
        terms = self._terms_cache.get(client_id)
        if terms is None:
            client = self._clients.get(client_id)
            hints = (client.contract, client.calendar) if client else ("", "")
            terms = self._policy.terms(client_id, *hints)
            self._terms_cache[client_id] = terms
        return terms

    def _row(self, r: Row) -> BoardRow:
        client = self._clients.get(r.client_id)
        return board_row(r, client.name if client else r.client_id, self._terms(r.client_id))

    def _pauses(
        self, connection: Connection, keys: list[IncidentKey]
    ) -> dict[IncidentKey, list[Pause]]:
        found: dict[IncidentKey, list[Pause]] = {}
        p = _PAUSES.c
        for chunk in _chunks(keys):
            query = (
                select(p.source, p.external_id, p.started_at, p.ended_at, p.status)
                .where(_key_filter(chunk, p))
                .order_by(p.source, p.external_id, p.started_at, p.id)
            )
            for r in connection.execute(query):
                key = IncidentKey(r.source, r.external_id)
                found.setdefault(key, []).append(Pause(r.started_at, r.ended_at, r.status))
        return found

    def pauses(self, key: IncidentKey) -> list[Pause]:
        """The pause history of one incident, oldest first."""
        with self._reading() as connection:
            return self._pauses(connection, [key]).get(key, [])

    def _writing(self) -> _Transaction:
        return _Transaction(self._engine, write=True)

    def _reading(self) -> _Transaction:
        return _Transaction(self._engine, write=False)


class _Transaction:
    """A connection in a transaction; database failures become `StoreError`."""

    def __init__(self, engine: Engine, write: bool) -> None:
        self._engine = engine
        self._write = write
        self._context: Any = None

    def __enter__(self) -> Connection:
        try:
            self._context = self._engine.begin() if self._write else self._engine.connect()
            connection: Connection = self._context.__enter__()
        except DBAPIError as exc:
            raise StoreError(f"cannot use the cache {self._engine.url}: {exc.orig}") from exc
        return connection

    def __exit__(self, *exc_info: Any) -> None:
        try:
            self._context.__exit__(*exc_info)
        except DBAPIError as exc:
            raise StoreError(f"cannot write the cache {self._engine.url}: {exc.orig}") from exc
        if isinstance(exc_info[1], DBAPIError):
            raise StoreError(f"cache {self._engine.url}: {exc_info[1].orig}") from exc_info[1]


def vars_of(value: Any) -> dict[str, Any]:
    """Fields of a slotted dataclass as a dict."""
    return {name: getattr(value, name) for name in value.__slots__}


def _previous(r: Row) -> Previous:
    return Previous(r.version, Status(r.status), Tier(r.tier), r.status_since, r.tier_since)


def _unchanged(previous: Row, incident: Incident) -> bool:
    return bool(incident.version) and previous.version == incident.version


def _key_filter(keys: Sequence[IncidentKey], columns: Any = _I) -> Any:
    by_source: dict[str, list[str]] = {}
    for source, external_id in keys:
        by_source.setdefault(source, []).append(external_id)
    return or_(
        *(and_(columns.source == s, columns.external_id.in_(ids)) for s, ids in by_source.items())
    )


def _chunks(keys: Sequence[IncidentKey]) -> Iterator[Sequence[IncidentKey]]:
    for start in range(0, len(keys), _CHUNK):
        yield keys[start : start + _CHUNK]
