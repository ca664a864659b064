"""The local cache: incidents, clients, pauses, the outbox and sync state.

The store is the only place that touches SQLAlchemy. Each mutation is one transaction
and returns a `ChangeSet` of the keys it changed; reads return frozen `BoardRow`s.
Writes from any thread go through one lock (the single writer), never from the GUI
thread.

For each incident the store keeps the source's last word (`snapshot`) and shows it
with the still-pending triage actions laid over it, so an optimistic change survives
a sync that does not yet know of it, and a rejected one falls back to the source.
Only the writer of the incidents lays them over: a desk, or a team's sync service. A
team console's store (`overlays=False`) writes actions to the outbox and nothing to
the incidents — its database role may not (docs/team.md, "Roles") — and the service
lays them over when it hears the outbox change (`lay_pending`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.expression import ColumnElement, bindparam

from noc_console.models.actions import Action, ActionState, FailureKind, QueuedAction, apply_to
from noc_console.models.board_row import BoardRow, ChangeSet
from noc_console.models.cache import (
    alarm_ack_table,
    handover_table,
    history_table,
    major_incident_table,
    outbox_table,
    tally_query,
)
from noc_console.models.cache.alarm_ack_table import AlarmAcknowledgement
from noc_console.models.cache.bulk_write import execute_many
from noc_console.models.cache.database import open_engine
from noc_console.models.cache.handover_table import SavedHandover
from noc_console.models.cache.history_table import IncidentEvent
from noc_console.models.cache.incident_columns import (
    ROW_FIELDS,
    Previous,
    board_row,
    columns,
    next_pauses,
)
from noc_console.models.cache.major_incident_table import MajorIncidentError
from noc_console.models.cache.schema import CACHE_META
from noc_console.models.cache.sql import (
    CLIENTS,
    INCIDENTS,
    PAUSES,
    SYNC_STATE,
    Row,
    Transaction,
    chunks,
    key_filter,
    vars_of,
)
from noc_console.models.contract import DEFAULT_POLICY, ClientTerms, SlaPolicy
from noc_console.models.incident import Client, Incident, IncidentKey, Priority, Status, Tier
from noc_console.models.major_incident import (
    EventKind,
    MajorIncident,
    MajorIncidentChild,
    MajorIncidentEvent,
)
from noc_console.models.pauses import Pause, reopen_count
from noc_console.models.sla_clock import DueOrigin
from noc_console.models.tally import Grouping, Tally

_I = INCIDENTS.c
_ROW_COLUMNS = tuple(INCIDENTS.c[name] for name in ROW_FIELDS)
_STATE_COLUMNS = (_I.source, _I.external_id, _I.version, _I.status, _I.tier, _I.status_since,
                  _I.tier_since, _I.priority, _I.is_open, _I.resolved_at)  # fmt: skip
_TIME_COLUMNS = {"created_at": _I.created_at, "resolved_at": _I.resolved_at,
                 "response_due": _I.response_due, "resolution_due": _I.resolution_due}  # fmt: skip
#: What rebuilding the source's word needs beyond _STATE_COLUMNS (see _source_of).
_SOURCE_COLUMNS = (
    _I.client_id, _I.title, _I.created_at, _I.updated_at, _I.source_status, _I.description,
    _I.category, _I.impact, _I.urgency, _I.assignee, _I.responded_at,
    _I.response_due, _I.resolution_due, _I.response_due_origin, _I.resolution_due_origin,
    _I.snapshot, _I.raw,
)  # fmt: skip
RECONCILED_STATUS = "closed or deleted upstream (reconciliation)"


@dataclass(frozen=True, slots=True)
class SyncState:
    connector: str
    watermark: datetime | None = None
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    failures: int = 0  # consecutive failed attempts
    offline_since: datetime | None = None  # first failure of the current run of failures
    retry_at: datetime | None = None  # the source asked us to wait until then
    last_reconciled_at: datetime | None = None
    skipped: int = 0  # records the last successful sync left out
    skip_note: str | None = None  # why, for the status bar
    warning: str | None = None  # the source looks stuck, and why (status bar)


class Store:
    """The cache. Open with `Store.open(url)`; close with `close()`."""

    def __init__(
        self, engine: Engine, policy: SlaPolicy = DEFAULT_POLICY, overlays: bool = True
    ) -> None:
        self._engine = engine
        self._policy = policy
        self._overlays = overlays
        self._write_lock = threading.RLock()
        self._clients: dict[str, Client] = {}
        self._terms_cache: dict[str, ClientTerms] = {}
        with self._reading() as connection:
            for r in connection.execute(select(CLIENTS)):
                self._clients[r.id] = Client(r.id, r.name, r.contract, r.calendar)

    @classmethod
    def open(cls, url: str, policy: SlaPolicy = DEFAULT_POLICY, overlays: bool = True) -> Store:
        """With `overlays` False (a team console) submitting and settling actions write
        the outbox only, never an incident row."""
        return cls(open_engine(url), policy, overlays)

    @property
    def policy(self) -> SlaPolicy:
        return self._policy

    def close(self) -> None:
        self._engine.dispose()

    @property
    def url(self) -> str:
        return self._engine.url.render_as_string(hide_password=True)

    @property
    def place(self) -> str:
        """Which database this is — its server and name, not who connects or how (user,
        password, TLS options): what a team console's desk spool is kept by, so that a
        changed password or certificate path finds the actions kept before."""
        url = self._engine.url
        return f"{url.get_backend_name()}://{url.host or ''}:{url.port or ''}/{url.database or ''}"

    # ------------------------------------------------------------------ incidents
    def upsert_clients(self, clients: Iterable[Client]) -> None:
        """Store `clients`; a client listed twice (a source may) is stored as its last."""
        latest = {c.id: c for c in clients}
        changed = [c for c in latest.values() if self._clients.get(c.id) != c]
        if not changed:
            return
        with self._writing() as connection:
            ids = [c.id for c in changed]
            known = set(connection.scalars(select(CLIENTS.c.id).where(CLIENTS.c.id.in_(ids))))
            fresh = [vars_of(c) for c in changed if c.id not in known]
            stale = [{"b_id": c.id, **vars_of(c)} for c in changed if c.id in known]
            if fresh:
                connection.execute(insert(CLIENTS), fresh)
            if stale:
                for row in stale:
                    del row["id"]
                connection.execute(update(CLIENTS).where(CLIENTS.c.id == bindparam("b_id")), stale)
        self._clients.update((c.id, c) for c in changed)
        self._terms_cache.clear()

    def upsert_incidents(self, incidents: Sequence[Incident]) -> ChangeSet:
        """Write a page of incidents from their source in one transaction.

        Keeps each incident's pause history, lays pending triage actions over the
        source's values, and computes due dates from the client's terms unless the
        source supplied them. Returns the keys that changed.
        """
        if not incidents:
            return ChangeSet()
        latest: dict[IncidentKey, Incident] = {i.key: i for i in incidents}
        keys = list(latest)
        with self._writing() as connection:
            existing = self._existing(connection, keys)
            # Pause rows belong to stored incidents (never deleted): a new one has none.
            histories = self._pauses(connection, [k for k in keys if k in existing])
            stored_pauses = set(histories)  # only these have rows to replace
            pending = outbox_table.pending_by_key(connection, keys)
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            paused_keys: list[IncidentKey] = []
            events: list[IncidentEvent] = []
            for key, incident in latest.items():
                previous = existing.get(key)
                if previous is not None and _unchanged(previous, incident):
                    continue
                terms = self._terms(incident.client_id)
                since = self._resolved_since(connection, previous, pending.get(key))
                pauses, pauses_changed = next_pauses(incident, terms, histories.get(key, []), since)
                if pauses_changed:
                    histories[key] = pauses
                    paused_keys.append(key)
                values = self._values(incident, previous, terms, pauses, pending.get(key, []))
                (inserts if previous is None else updates).append(values)
                if previous is not None:
                    when = _changed_at(incident.updated_at, pending.get(key, []))
                    events += history_table.changes(previous, values, when)
            execute_many(connection, "insert incidents", insert(INCIDENTS), inserts)
            self._update(connection, updates)
            history_table.record(connection, events)
            self._save_pauses(connection, paused_keys, histories, stored_pauses)
        changed = {IncidentKey(v["source"], v["external_id"]) for v in inserts}
        changed |= {IncidentKey(v["b_source"], v["b_external_id"]) for v in updates}
        return ChangeSet(frozenset(changed))

    def close_missing(self, source: str, seen: set[IncidentKey], now: datetime) -> ChangeSet:
        """Close every open incident of `source` not in `seen` (a full listing)."""
        with self._writing() as connection:
            query = select(_I.source, _I.external_id).where(
                _I.source == source, _I.is_open.is_(True)
            )
            gone = [
                k for k in (IncidentKey(*r) for r in connection.execute(query)) if k not in seen
            ]
            for key in gone:
                self._refresh(connection, key, closed_at=now)
        return ChangeSet(frozenset(gone))

    # ------------------------------------------------------------------ outbox
    def enqueue(self, action: Action, now: datetime) -> tuple[int, ChangeSet]:
        """Commit `action` to the outbox and lay it over the local copy, atomically (a
        team console: the outbox only, and the change set is empty). Idempotent: an
        action whose `id` is in the outbox already is not added again (its `seq`)."""
        if action.created_at is None:
            action = replace(action, created_at=now)
        with self._writing() as connection:
            seq = outbox_table.add(connection, action, now)
            if not self._overlays:
                return seq, ChangeSet()
            self._refresh(connection, action.key)
        return seq, ChangeSet(frozenset({action.key}))

    def lay_pending(self, keys: Iterable[IncidentKey] | None = None) -> ChangeSet:
        """Lay the pending actions of `keys` (None: of every incident with unsettled
        actions) over their rows again, or take off settled ones: what a team's sync
        service does when consoles submit or settle actions, which they may only write
        to the outbox. Unknown incidents are left out."""
        with self._writing() as connection:
            wanted = outbox_table.unsettled_keys(connection) if keys is None else list(keys)
            changed = [key for key in wanted if self._refresh(connection, key)]
        return ChangeSet(frozenset(changed))

    def ping(self) -> None:
        """Ask the database for nothing: a StoreError when it cannot be reached (a team
        console's watch on the shared database)."""
        with self._reading() as connection:
            connection.execute(select(1))

    def claim(
        self, seq: int, owner: str, now: datetime, lease_until: datetime
    ) -> QueuedAction | None:
        """Claim `seq` for delivery by `owner` and mark it in flight, in one transaction
        and before the network call; None when it is settled or another live process
        holds it (see `models/cache/claims.py`)."""
        with self._writing() as connection:
            return outbox_table.claim(connection, seq, owner, now, lease_until)

    def release_claims(self, now: datetime, dead: Callable[[str], bool]) -> int:
        """End the claims of claimants `dead` says are gone; how many ended."""
        with self._writing() as connection:
            gone = [seq for seq, by in outbox_table.claims(connection, now) if dead(by)]
            outbox_table.release(connection, gone)
        return len(gone)

    def mark_delivered(self, seq: int, version: str, now: datetime) -> ChangeSet:
        with self._writing() as connection:
            queued = outbox_table.get(connection, seq)
            assert queued is not None
            key = outbox_table.set_state(
                connection, seq, state=ActionState.DELIVERED.value, in_flight=False,
                delivered_version=version, settled_at=now, last_error=None, **_UNCLAIMED,
            )  # fmt: skip
            self._refresh(connection, key, delivered=queued.action)
        return ChangeSet(frozenset({key}))

    def mark_retry(self, seq: int, error: str, at: datetime) -> ChangeSet:
        with self._writing() as connection:
            key = outbox_table.set_state(
                connection, seq, in_flight=False, last_error=error, next_attempt_at=at,
                **_UNCLAIMED,
            )  # fmt: skip
        return ChangeSet(frozenset({key}))

    def mark_failed(
        self, seq: int, error: str, retryable: bool, failure: FailureKind | None = None
    ) -> ChangeSet:
        """`failure` says why (credentials refused: `requeue_refused` sends it again)."""
        kind = failure or (FailureKind.CREDENTIALS if retryable else FailureKind.REJECTED)
        return self._settle(seq, ActionState.FAILED, last_error=error, retryable=retryable,
                            failure=kind.value)  # fmt: skip

    def mark_conflict(self, seq: int, error: str, theirs: Mapping[str, Any]) -> ChangeSet:
        return self._settle(seq, ActionState.CONFLICT, last_error=error, theirs=dict(theirs))

    def keep_theirs(self, seq: int, now: datetime) -> ChangeSet:
        """Drop a conflicting (or failed) action: the source's value stands."""
        return self._settle(seq, ActionState.DISCARDED, settled_at=now)

    def apply_mine(self, seq: int, now: datetime) -> ChangeSet:
        """Send a conflicting action again, overriding the source's value."""
        return self._settle(
            seq, ActionState.PENDING, force=True, expected={}, next_attempt_at=now, theirs={}
        )

    def retry(self, seq: int, now: datetime) -> ChangeSet:
        """Queue a failed action again."""
        return self._settle(
            seq, ActionState.PENDING, next_attempt_at=now, last_error=None, failure=None
        )

    def requeue_refused(self, source: str, now: datetime) -> tuple[int, ChangeSet]:
        """Queue again every action of `source` that failed on refused credentials (its
        secret changed), in one transaction: how many, and the incidents they touched."""
        keys: set[IncidentKey] = set()
        with self._writing() as connection:
            seqs = outbox_table.refused(connection, source)
            for seq in seqs:
                key = outbox_table.set_state(
                    connection, seq, state=ActionState.PENDING.value, next_attempt_at=now,
                    failure=None, **_UNCLAIMED,
                )  # fmt: skip
                if key not in keys:
                    keys.add(key)
                    self._refresh(connection, key)
        return len(seqs), ChangeSet(frozenset(keys))

    def deliverable(self, source: str, now: datetime, owner: str = "") -> list[QueuedAction]:
        with self._reading() as connection:
            return outbox_table.deliverable(connection, source, now, owner)

    def outbox(
        self, states: Iterable[ActionState] | None = None, key: IncidentKey | None = None
    ) -> list[QueuedAction]:
        """Queued actions, oldest first; of every state, or of `states`, or of one incident."""
        with self._reading() as connection:
            return outbox_table.listing(connection, states, key)

    def queued_count(self, source: str) -> int:
        with self._reading() as connection:
            return outbox_table.count_unsettled(connection, source)

    # ------------------------------------------------------------------ sync state
    def record_sync(
        self,
        connector: str,
        attempt_at: datetime,
        watermark: datetime | None = None,
        error: str | None = None,
        retry_at: datetime | None = None,
        reconciled: bool = False,
        skipped: int = 0,
        skip_note: str | None = None,
        warning: str | None = None,
    ) -> SyncState:
        """Remember a sync attempt; a successful one (no error) may move the watermark.

        `warning` replaces the stored one after a success; a failure keeps it."""
        previous = self.sync_state(connector)
        failed = error is not None
        state = SyncState(
            connector=connector,
            watermark=watermark if watermark is not None else previous.watermark,
            last_attempt_at=attempt_at,
            last_success_at=previous.last_success_at if failed else attempt_at,
            last_error=error,
            failures=previous.failures + 1 if failed else 0,
            offline_since=(previous.offline_since or attempt_at) if failed else None,
            retry_at=retry_at,
            last_reconciled_at=attempt_at if reconciled else previous.last_reconciled_at,
            skipped=previous.skipped if failed else skipped,
            skip_note=previous.skip_note if failed else skip_note,
            warning=previous.warning if failed else warning,
        )
        with self._writing() as connection:
            values = vars_of(state)
            exists = connection.execute(
                select(SYNC_STATE.c.connector).where(SYNC_STATE.c.connector == connector)
            ).first()
            if exists:
                connection.execute(
                    update(SYNC_STATE).where(SYNC_STATE.c.connector == connector), values
                )
            else:
                connection.execute(insert(SYNC_STATE), values)
        return state

    def sync_state(self, connector: str) -> SyncState:
        with self._reading() as connection:
            r = connection.execute(
                select(SYNC_STATE).where(SYNC_STATE.c.connector == connector)
            ).first()
        return SyncState(**r._asdict()) if r else SyncState(connector)

    def sync_states(self) -> list[SyncState]:
        with self._reading() as connection:
            return [SyncState(**r._asdict()) for r in connection.execute(select(SYNC_STATE))]

    # ------------------------------------------------------------------ facts
    def meta(self, key: str) -> str | None:
        """A small fact about the database itself (`cache_meta`), e.g. the team's sync
        service heartbeat; None when never written."""
        with self._reading() as connection:
            return connection.execute(
                select(CACHE_META.c.value).where(CACHE_META.c.key == key)
            ).scalar()

    def set_meta(self, key: str, value: str) -> None:
        with self._writing() as connection:
            connection.execute(delete(CACHE_META).where(CACHE_META.c.key == key))
            connection.execute(insert(CACHE_META), {"key": key, "value": value})

    # ------------------------------------------------------------------ reads
    def open_rows(self) -> list[BoardRow]:
        """Every open incident, nearest deadline first (no deadline last)."""
        query = (
            select(*_ROW_COLUMNS)
            .where(_I.is_open.is_(True))
            .order_by(_I.next_deadline.is_(None), _I.next_deadline, _I.source, _I.external_id)
        )
        with self._reading() as connection:
            marks = outbox_table.marks(connection, outbox_table.unsettled_keys(connection))
            return [self._row(r, marks) for r in connection.execute(query)]

    def rows(self, keys: Iterable[IncidentKey]) -> list[BoardRow]:
        """The current rows of `keys` (open or not); unknown keys are left out."""
        wanted = list(keys)
        result: list[BoardRow] = []
        with self._reading() as connection:
            for chunk in chunks(wanted):
                marks = outbox_table.marks(connection, chunk)
                delivered = outbox_table.delivered(connection, chunk)
                query = select(*_ROW_COLUMNS).where(key_filter(chunk, _I))
                result.extend(self._row(r, marks, delivered) for r in connection.execute(query))
        return result

    def closed_history(self, since: datetime) -> Iterator[tuple[BoardRow, str]]:
        """Closed incidents created since `since`, each with its category: what the breach
        forecast learns from (`services/forecast/`). Yielded as read, inside one read
        transaction, so 200,000 of them never stand in memory at once: consume it whole."""
        query = (
            select(*_ROW_COLUMNS, _I.category)
            .where(_I.is_open.is_(False))
            .where(_I.created_at >= since)
        )
        with self._reading() as connection:
            for r in connection.execute(query):
                client = self._clients.get(r.client_id)
                name = client.name if client else r.client_id
                yield board_row(r[:-1], name, self._terms(r.client_id)), r.category

    def categories(self, keys: Iterable[IncidentKey]) -> dict[IncidentKey, str]:
        """The stored category of each of `keys` (unknown keys are left out)."""
        return dict(self._column_of(keys, _I.category))

    def open_count(self) -> int:
        with self._reading() as connection:
            count = connection.scalar(
                select(func.count()).select_from(INCIDENTS).where(_I.is_open.is_(True))
            )
        return int(count or 0)

    def client(self, client_id: str) -> Client | None:
        return self._clients.get(client_id)

    def clients(self) -> list[Client]:
        """Every client the cache knows."""
        return list(self._clients.values())

    def contract_of(self, client_id: str) -> str:
        """The name of the contract a client's clocks run on (configuration first)."""
        return self._terms(client_id).contract.name

    def tallies(self, start: datetime, end: datetime, now: datetime, by: Grouping,
                client_id: str | None = None) -> dict[str, Tally]:  # fmt: skip
        """The sums and counts the service metrics are made of, per group of `by`, for
        `[start, end)` (see `models/cache/tally_query.py` and docs/metrics.md)."""
        with self._reading() as connection:
            found = tally_query.tallies(connection, start, end, now, by, client_id)
        if by is not Grouping.CONTRACT:
            return found
        contracts: dict[str, Tally] = {}
        for client_id_, tally in found.items():
            name = self.contract_of(client_id_)
            contracts[name] = contracts.get(name, Tally()) + tally
        return contracts

    def top_symptoms(self, client_id: str, start: datetime, end: datetime,
                     limit: int = 5) -> list[tuple[str, int, str]]:  # fmt: skip
        """A client's recurring symptoms in `[start, end)`: (symptom, count, a title)."""
        with self._reading() as connection:
            return tally_query.symptoms(connection, client_id, start, end, limit)

    def backlog_at(self, at: datetime, client_id: str | None = None) -> int:
        """How many incidents were open at `at` (created before, not yet resolved)."""
        with self._reading() as connection:
            return tally_query.backlog_at(connection, at, client_id)

    def details(self, key: IncidentKey) -> tuple[dict[str, Any], list[Pause]] | None:
        """Everything stored about one incident (its columns) and its pause history."""
        with self._reading() as connection:
            r = connection.execute(select(INCIDENTS).where(key_filter([key], _I))).first()
            if r is None:
                return None
            return dict(r._mapping), self._pauses(connection, [key]).get(key, [])

    def links(self, keys: Iterable[IncidentKey]) -> dict[IncidentKey, str]:
        """The address of each incident in its PSA, where the source's payload gives one
        (`url` or `web_url`); untrusted text — see `models/web_link.py`."""
        found: dict[IncidentKey, str] = {}
        for key, raw in self._column_of(keys, _I.raw):
            link = (raw.get("url") or raw.get("web_url")) if isinstance(raw, dict) else None
            if isinstance(link, str) and link:
                found[key] = link
        return found

    def similar(self, key: IncidentKey, client_id: str, title: str, since: datetime,
                limit: int = 5) -> list[BoardRow]:  # fmt: skip
        """Recent incidents of the same client or with the same symptom (the title's first
        three words), newest first — for "what fixed it last time"."""
        words = " ".join(title.split()[:3])
        query = (
            select(*_ROW_COLUMNS)
            .where(_I.created_at >= since)
            .where((_I.client_id == client_id) | _I.title.startswith(words, autoescape=True))
            .where(~((_I.source == key.source) & (_I.external_id == key.external_id)))
            .order_by(_I.created_at.desc())
            .limit(limit)
        )
        with self._reading() as connection:
            return [self._row(r, {}) for r in connection.execute(query)]

    def history(self, start: datetime, end: datetime) -> list[IncidentEvent]:
        """Changes of status, tier and priority in `[start, end)`, oldest first."""
        with self._reading() as connection:
            return history_table.between(connection, start, end)

    def rows_between(self, start: datetime, end: datetime, fields: Iterable[str]) -> list[BoardRow]:
        """Incidents (open or not) whose time `fields` (created_at, resolved_at,
        response_due, resolution_due) has any value in `[start, end)`."""
        columns = [_TIME_COLUMNS[name] for name in fields]
        query = select(*_ROW_COLUMNS).where(or_(*((c >= start) & (c < end) for c in columns)))
        with self._reading() as connection:
            return [self._row(r, {}) for r in connection.execute(query)]

    # ------------------------------------------------------------------ handovers
    def save_handover(self, handover: SavedHandover) -> SavedHandover:
        """Store a handover (replacing its shift's unacknowledged one); `HandoverError`
        when that shift's handover was already acknowledged."""
        with self._writing() as connection:
            return handover_table.save(connection, handover)

    def acknowledge_handover(self, number: int, name: str, at: datetime) -> SavedHandover:
        with self._writing() as connection:
            return handover_table.acknowledge(connection, number, name, at)

    def handovers(self, limit: int = 200, unacknowledged_only: bool = False) -> list[SavedHandover]:
        """Stored handovers, newest shift first (optionally only the unacknowledged)."""
        with self._reading() as connection:
            return handover_table.listing(connection, limit, unacknowledged_only)

    def handover_for(self, shift_name: str, shift_start: datetime) -> SavedHandover | None:
        with self._reading() as connection:
            return handover_table.for_shift(connection, shift_name, shift_start)

    # ------------------------------------------------------- alarm acknowledgements
    def record_alarm_acknowledgements(self, acks: Sequence[AlarmAcknowledgement]) -> None:
        """Append who acknowledged or snoozed which alarms (every desk reads them)."""
        if acks:
            with self._writing() as connection:
                alarm_ack_table.append(connection, acks)

    def alarm_acknowledgements(
        self, after: int = 0, since: datetime | None = None, key: IncidentKey | None = None
    ) -> list[AlarmAcknowledgement]:
        """Acknowledgements and snoozes stored after id `after` (made at `since` or
        later; of incident `key`), oldest first."""
        with self._reading() as connection:
            return alarm_ack_table.listing(connection, after, since, key)

    # ------------------------------------------------------------ major incidents
    def declare_major_incident(
        self,
        record: MajorIncident,
        actions: Sequence[Action] | Callable[[MajorIncident], Sequence[Action]],
        now: datetime,
    ) -> tuple[MajorIncident, ChangeSet]:
        """Store `record` with its children, its "declared" event and `actions` (the
        children's notes and links; or a function of the stored record, which has its
        number then) in the outbox, in one transaction: all of it or nothing.
        `MajorIncidentError` when it has no children, or a child is in an open major
        incident already (declared twice, each PSA ticket would be told twice). Actions
        are laid over their incidents as `enqueue` does."""
        if not record.children:
            raise MajorIncidentError("a major incident needs at least one incident: select "
                                     "the rows (or the group) it is made of")  # fmt: skip
        with self._writing() as connection:
            major_incident_table.serialize_children(connection)
            taken = major_incident_table.of_incidents(connection, record.child_keys)
            if taken:
                key = next(k for k in record.child_keys if k in taken)
                number = taken[key]
                more = f" (and {len(taken) - 1} more)" if len(taken) > 1 else ""
                raise MajorIncidentError(
                    f"{key}{more} is already in MI-{number}: leave it out, or add the other "
                    f"incidents to MI-{number} with Ctrl+M"
                )
            number = major_incident_table.insert_record(connection, record)
            declared = MajorIncidentEvent(
                EventKind.DECLARED, record.declared_at, record.declared_by, record.title,
                {"children": [str(c.key) for c in record.children]},
            )  # fmt: skip
            major_incident_table.append_event(connection, number, declared)
            if callable(actions):
                stored = major_incident_table.get(connection, number)
                assert stored is not None
                actions = actions(stored)
            changed = self._enqueue_all(connection, actions, now)
            stored = major_incident_table.get(connection, number)
        assert stored is not None
        return stored, changed

    def record_major_incident_event(self, number: int, event: MajorIncidentEvent) -> MajorIncident:
        """Append `event` to the timeline of MI-`number` and set the record's times it
        sets (an update sent, mitigated, resolved…); the record as it is now.
        `MajorIncidentError` for an unknown number."""
        with self._writing() as connection:
            return major_incident_table.append_event(connection, number, event)

    def act_on_major_incident(
        self, number: int, event: MajorIncidentEvent, actions: Sequence[Action], now: datetime
    ) -> tuple[MajorIncident, ChangeSet]:
        """Append `event` to MI-`number`'s timeline and put `actions` (a client update's
        notes, the close-out's resolves) in the outbox, in one transaction: the timeline
        never says an update went out that the outbox does not hold, nor the reverse.
        `MajorIncidentError` for an unknown number (nothing is written)."""
        with self._writing() as connection:
            record = major_incident_table.append_event(connection, number, event)
            return record, self._enqueue_all(connection, actions, now)

    def join_major_incident(
        self,
        number: int,
        children: Sequence[MajorIncidentChild],
        event: MajorIncidentEvent,
        actions: Callable[[MajorIncident, list[MajorIncidentChild]], Sequence[Action]],
        now: datetime,
    ) -> tuple[MajorIncident, ChangeSet]:
        """Add `children` to open MI-`number`, their clients to its affected clients,
        `event` to its timeline and `actions(record, added)` — the notes and links of the
        children really added (one added by another desk meanwhile gets nothing twice) —
        to the outbox, in one transaction. `MajorIncidentError` for an unknown or
        resolved record (nothing is written)."""
        with self._writing() as connection:
            stored, added = major_incident_table.join(connection, number, children, event)
            return stored, self._enqueue_all(connection, actions(stored, added), now)

    def major_incidents(self, open_only: bool = True, limit: int = 200) -> list[MajorIncident]:
        """Major incidents, the newest declared first (only the open ones, by default)."""
        with self._reading() as connection:
            return major_incident_table.listing(connection, open_only, limit)

    def major_incident(self, number: int) -> MajorIncident | None:
        with self._reading() as connection:
            return major_incident_table.get(connection, number)

    def major_incidents_active_between(
        self, start: datetime, end: datetime
    ) -> list[tuple[MajorIncident, int]]:
        """Major incidents open at some moment of [start, end), in the order declared,
        each with how many client updates it sent (a report's "major incidents")."""
        with self._reading() as connection:
            records = major_incident_table.active_between(connection, start, end)
            sent = major_incident_table.event_counts(
                connection, [r.id for r in records], EventKind.UPDATE_SENT
            )
        return [(r, sent.get(r.id, 0)) for r in records]

    def major_incident_events(self, number: int) -> list[MajorIncidentEvent]:
        """The timeline of MI-`number`, oldest first."""
        with self._reading() as connection:
            return major_incident_table.events(connection, number)

    def major_incidents_of(self, keys: Sequence[IncidentKey]) -> dict[IncidentKey, int]:
        """The open major incident each of `keys` is a child of (not every key is)."""
        with self._reading() as connection:
            return major_incident_table.of_incidents(connection, keys)

    def pauses(self, key: IncidentKey) -> list[Pause]:
        """The pause history of one incident, oldest first."""
        with self._reading() as connection:
            return self._pauses(connection, [key]).get(key, [])

    def reopen_counts(self, keys: Iterable[IncidentKey]) -> dict[IncidentKey, int]:
        """How often each of `keys` was reopened (those never reopened are left out)."""
        with self._reading() as connection:
            histories = self._pauses(connection, list(keys))
        counts = {key: reopen_count(pauses) for key, pauses in histories.items()}
        return {key: count for key, count in counts.items() if count}

    # ------------------------------------------------------------------ helpers
    def _column_of(
        self, keys: Iterable[IncidentKey], column: ColumnElement[Any]
    ) -> Iterator[tuple[IncidentKey, Any]]:
        """One stored column of each of `keys` that is stored, a chunk of keys a query."""
        wanted = list(keys)
        with self._reading() as connection:
            for chunk in chunks(wanted):
                query = select(_I.source, _I.external_id, column).where(key_filter(chunk, _I))
                for source, external_id, value in connection.execute(query):
                    yield IncidentKey(source, external_id), value

    def _values(
        self,
        source: Incident,
        previous: Row | None,
        terms: ClientTerms,
        pauses: list[Pause],
        pending: Sequence[Action],
    ) -> dict[str, Any]:
        shown = source
        for action in pending:
            shown = apply_to(shown, action, action.created_at or source.updated_at)
        before = _previous(previous) if previous is not None else None
        values = columns(shown, before, terms, pauses)
        values["version"] = source.version
        # The source's own word, kept only while pending actions overlay it: without
        # any, the row's columns are that word (and a page of 1,000 writes no copies).
        values["snapshot"] = source.to_json() if pending else None
        if previous is not None:
            values["b_source"], values["b_external_id"] = source.key
            del values["source"], values["external_id"]
        return values

    def _refresh(
        self,
        connection: Connection,
        key: IncidentKey,
        delivered: Action | None = None,
        closed_at: datetime | None = None,
    ) -> bool:
        """Recompute one incident's row from the source's word and its pending actions;
        False when the incident is not stored."""
        previous = self._existing(connection, [key], *_SOURCE_COLUMNS).get(key)
        if previous is None:
            return False  # not (yet) known from its source: nothing to show or overlay
        source = _source_of(previous)
        if delivered is not None:  # the source has it now; its version is not known yet
            when = delivered.created_at or source.updated_at
            source = apply_to(source, delivered, when).evolve(version="")
        if closed_at is not None:
            source = source.evolve(
                status=Status.CLOSED, source_status=RECONCILED_STATUS, version="",
                resolved_at=source.resolved_at or closed_at,
            )  # fmt: skip
        terms = self._terms(source.client_id)
        pauses = self._pauses(connection, [key]).get(key, [])
        pending = outbox_table.pending_by_key(connection, [key]).get(key, [])
        values = self._values(source, previous, terms, pauses, pending)
        self._update(connection, [values])
        causes = [*pending, delivered] if delivered is not None else pending
        when = _changed_at(closed_at or source.updated_at, causes)
        history_table.record(connection, history_table.changes(previous, values, when))
        return True

    def _settle(self, seq: int, state: ActionState, **values: Any) -> ChangeSet:
        with self._writing() as connection:
            key = outbox_table.set_state(connection, seq, state=state.value, in_flight=False,
                                         **_UNCLAIMED, **values)  # fmt: skip
            if not self._overlays:
                return ChangeSet()
            self._refresh(connection, key)
        return ChangeSet(frozenset({key}))

    def _resolved_since(
        self, connection: Connection, previous: Row | None, pending: Sequence[Action] | None
    ) -> datetime | None:
        """When the source last said the stored incident was resolved; None when it
        said open (or it is new). Pending actions overlay the row (a resolve on its way
        is not the source's word), so then the source's snapshot is read."""
        if previous is None:
            return None
        if pending:
            key = IncidentKey(previous.source, previous.external_id)
            previous = self._existing(connection, [key], *_SOURCE_COLUMNS)[key]
            word = _source_of(previous)
            return None if word.is_open else word.resolved_at or previous.status_since
        if previous.is_open:
            return None
        since: datetime = previous.resolved_at or previous.status_since
        return since

    def _enqueue_all(
        self, connection: Connection, actions: Sequence[Action], now: datetime
    ) -> ChangeSet:
        """Add `actions` to the outbox and lay them over their incidents (as `enqueue`)."""
        for action in actions:
            stamped = action if action.created_at else replace(action, created_at=now)
            outbox_table.add(connection, stamped, now)
        if not self._overlays:
            return ChangeSet()
        touched = {a.key for a in actions}
        for key in touched:
            self._refresh(connection, key)
        return ChangeSet(frozenset(touched))

    @staticmethod
    def _update(connection: Connection, updates: list[dict[str, Any]]) -> None:
        if not updates:
            return
        statement = update(INCIDENTS).where(
            and_(_I.source == bindparam("b_source"), _I.external_id == bindparam("b_external_id"))
        )
        execute_many(connection, "update incidents", statement, updates)

    def _save_pauses(
        self,
        connection: Connection,
        keys: list[IncidentKey],
        histories: Mapping[IncidentKey, list[Pause]],
        stored: Container[IncidentKey] | None = None,
    ) -> None:
        """Replace the pause history of `keys`; `stored` holds the keys that have one in
        the cache (None: any may), so a page of new incidents deletes nothing."""
        replaced = keys if stored is None else [k for k in keys if k in stored]
        for chunk in chunks(replaced):
            connection.execute(PAUSES.delete().where(key_filter(chunk, PAUSES.c)))
        rows = [
            {"source": key.source, "external_id": key.external_id, "started_at": p.start,
             "ended_at": p.end, "status": p.status}
            for key in keys for p in histories[key]
        ]  # fmt: skip
        execute_many(connection, "insert pauses", insert(PAUSES), rows)

    def _existing(
        self, connection: Connection, keys: list[IncidentKey], *more: ColumnElement[Any]
    ) -> dict[IncidentKey, Row]:
        """What is stored of `keys` (and `more` columns: the JSON ones cost a parse each,
        so a page's write reads none of them)."""
        found: dict[IncidentKey, Row] = {}
        for chunk in chunks(keys):
            query = select(*_STATE_COLUMNS, *more).where(key_filter(chunk, _I))
            for r in connection.execute(query):
                found[IncidentKey(r.source, r.external_id)] = r
        return found

    def _pauses(
        self, connection: Connection, keys: list[IncidentKey]
    ) -> dict[IncidentKey, list[Pause]]:
        found: dict[IncidentKey, list[Pause]] = {}
        p = PAUSES.c
        for chunk in chunks(keys):
            query = (
                select(p.source, p.external_id, p.started_at, p.ended_at, p.status)
                .where(key_filter(chunk, p))
                .order_by(p.source, p.external_id, p.started_at, p.id)
            )
            for r in connection.execute(query):
                key = IncidentKey(r.source, r.external_id)
                found.setdefault(key, []).append(Pause(r.started_at, r.ended_at, r.status))
        return found

    def _terms(self, client_id: str) -> ClientTerms:
        terms = self._terms_cache.get(client_id)
        if terms is None:
            client = self._clients.get(client_id)
            hints = (client.contract, client.calendar) if client else ("", "")
            terms = self._policy.terms(client_id, *hints)
            self._terms_cache[client_id] = terms
        return terms

    def _row(
        self,
        r: Row,
        marks: Mapping[IncidentKey, Mapping[str, int]],
        delivered: Mapping[IncidentKey, datetime] | None = None,
    ) -> BoardRow:
        """A board row with its outbox marks (and, from `delivered`, when its latest
        action was delivered: the board's ✓ for a minute; start-up reads none)."""
        client_id = r.client_id
        client = self._clients.get(client_id)
        row = board_row(r, client.name if client else client_id, self._terms(client_id))
        mark = marks.get(row.key)
        delivered_at = delivered.get(row.key) if delivered else None
        if delivered_at is not None:
            row = replace(row, delivered_at=delivered_at)
        if not mark:
            return row
        return replace(
            row,
            pending_actions=mark.get(ActionState.PENDING.value, 0),
            failed_actions=mark.get(ActionState.FAILED.value, 0),
            conflicted_actions=mark.get(ActionState.CONFLICT.value, 0),
        )

    def _writing(self) -> Transaction:
        return Transaction(self._engine, self._write_lock)

    def _reading(self) -> Transaction:
        return Transaction(self._engine, None)


_UNCLAIMED: dict[str, Any] = {"claimed_by": None, "lease_until": None}


def _previous(r: Row) -> Previous:
    return Previous(r.version, Status(r.status), Tier(r.tier), r.status_since, r.tier_since)


def _changed_at(source_time: datetime, causes: Iterable[Action]) -> datetime:
    """When a change took effect: the source's time, or a later triage action's."""
    return max([source_time, *(a.created_at for a in causes if a.created_at is not None)])


def _source_of(r: Row) -> Incident:
    """The source's last word on a stored incident: its snapshot while actions overlay
    the row, else the row itself (due dates only where the source gave them)."""
    if r.snapshot is not None:
        return Incident.from_json(r.snapshot, r.raw)
    source_due = DueOrigin.SOURCE.value
    return Incident(
        source=r.source, external_id=r.external_id, client_id=r.client_id, title=r.title,
        status=Status(r.status), priority=Priority(r.priority), created_at=r.created_at,
        updated_at=r.updated_at, source_status=r.source_status, description=r.description,
        category=r.category, impact=r.impact, urgency=r.urgency, tier=Tier(r.tier),
        assignee=r.assignee, responded_at=r.responded_at, resolved_at=r.resolved_at,
        response_due=r.response_due if r.response_due_origin == source_due else None,
        resolution_due=r.resolution_due if r.resolution_due_origin == source_due else None,
        version=r.version, raw=r.raw,
    )  # fmt: skip


def _unchanged(previous: Row, incident: Incident) -> bool:
    return bool(incident.version) and previous.version == incident.version
