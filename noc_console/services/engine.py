"""The sync engine: one thread per connector that syncs on a schedule and delivers
the outbox, and reports what changed.

Each connector's thread alternates an incremental sync (a full reconciliation every
`reconcile_every`) with delivery of its due actions, then sleeps until the next sync
or until `submit` wakes it. A failing source is retried with backoff, or when its
`Retry-After` says. Listeners are called on the connector's thread with an
`EngineEvent`; the GUI bridges them to its own thread.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from noc_console.connectors.base import Connector
from noc_console.models.actions import Action, ActionState, FailureKind
from noc_console.models.board_row import ChangeSet
from noc_console.models.cache.store import Store
from noc_console.models.clock import Clock
from noc_console.services.outbox import DeliveryReport, OutboxService, Settlement, backoff
from noc_console.services.sync import SyncResult, SyncService
from noc_console.services.team.spool_drain import SpoolDrainer

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EngineEvent:
    connector: str
    changes: ChangeSet
    synced: SyncResult | None = None  # set when this cycle ran a sync
    delivery: DeliveryReport | None = None


Listener = Callable[[EngineEvent], None]
#: `name`'s connector built again when its secret changed since it was built, else None
#: (services/sources/rebuild.py).
Rebuild = Callable[[str], Connector | None]


@dataclass
class _Runner:
    connector: Connector
    sync: SyncService
    wake: threading.Event = field(default_factory=threading.Event)
    next_sync: datetime | None = None  # None: now
    next_reconcile: datetime | None = None
    thread: threading.Thread | None = None


class SyncEngine:
    def __init__(
        self,
        store: Store,
        connectors: Sequence[Connector],
        clock: Clock,
        interval: timedelta = timedelta(seconds=5),
        reconcile_every: timedelta = timedelta(minutes=10),
        rng: random.Random | None = None,
        rebuild: Rebuild | None = None,
        desk: SpoolDrainer | None = None,
    ) -> None:
        self._store = store
        self._desk = desk  # a team console: actions go through the desk spool
        self._rebuild = rebuild
        self._clock = clock
        self._interval = interval
        self._reconcile_every = reconcile_every
        self._rng = rng or random.Random()
        self.outbox = OutboxService(store, clock, self._rng)
        self._runners = {c.name: _Runner(c, SyncService(c, store, clock)) for c in connectors}
        self._listeners: list[Listener] = []
        self._stopping = threading.Event()

    @property
    def connectors(self) -> list[Connector]:
        return [r.connector for r in self._runners.values()]

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    # ------------------------------------------------------------ running
    def start(self) -> None:
        self._stopping.clear()
        if self._desk is not None:
            self._desk.start()
        for runner in self._runners.values():
            runner.thread = threading.Thread(
                target=self._loop, args=(runner,), name=f"sync-{runner.connector.name}",
                daemon=True,
            )  # fmt: skip
            runner.thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._desk is not None:
            self._desk.stop(timeout)
        for runner in self._runners.values():
            runner.wake.set()
        for runner in self._runners.values():
            if runner.thread is not None:
                runner.thread.join(timeout)
                runner.thread = None

    def submit(self, action: Action) -> ChangeSet:
        """Commit an action (durable, optimistic) and wake its connector to deliver it.
        A team console keeps it in its desk spool, which hands it to the shared outbox
        (now, or when the database answers again); its row changes when the service has
        laid it over the incident."""
        if self._desk is not None:
            self._desk.submit(action)
            return ChangeSet()
        changes = self.outbox.submit(action)
        runner = self._runners.get(action.key.source)
        if runner is not None:
            runner.wake.set()
        return changes

    def settle(self, seq: int, how: Settlement) -> ChangeSet:
        """Apply the user's decision about a failed or conflicting action, and wake its
        connector (what was held back behind it may go now)."""
        changes = self.outbox.settle(seq, how)
        for key in changes.upserted:
            runner = self._runners.get(key.source)
            if runner is not None:
                runner.wake.set()
        return changes

    def wake(self, source: str | None = None) -> None:
        """Run `source`'s next cycle now (an action submitted by another process: team
        mode's service hears of it through the database), or every connector's (e.g.
        a secret may have changed)."""
        for name, runner in self._runners.items():
            if source is None or name == source:
                runner.wake.set()

    def run_once(self, reconcile: bool = False) -> list[EngineEvent]:
        """One sync and delivery pass over every connector, on the calling thread."""
        events = []
        for runner in self._runners.values():
            events.append(self._cycle(runner, force_sync=True, reconcile=reconcile))
        return events

    # ------------------------------------------------------------ the loop
    def _loop(self, runner: _Runner) -> None:
        while not self._stopping.is_set():
            try:
                event = self._cycle(runner)
            except Exception:  # a bug: keep the thread alive, say so, try again later
                log.exception("sync cycle of %s failed", runner.connector.name)
                runner.next_sync = self._clock.now() + self._interval
            else:
                if event.changes or event.synced is not None:
                    for listener in self._listeners:
                        listener(event)
            runner.wake.wait(self._seconds_until(runner))
            runner.wake.clear()

    def _cycle(
        self, runner: _Runner, force_sync: bool = False, reconcile: bool | None = None
    ) -> EngineEvent:
        changes = self._renew_refused(runner)
        now = self._clock.now()
        synced = None
        if force_sync or runner.next_sync is None or runner.next_sync <= now:
            if reconcile is None:
                reconcile = runner.next_reconcile is None or runner.next_reconcile <= now
            synced = runner.sync.sync_once(reconcile=reconcile)
            changes = changes.merge(synced.changes)
            runner.next_sync = self._next_sync(runner, synced)
            if synced.ok and reconcile:
                runner.next_reconcile = now + self._reconcile_every
        delivery = self.outbox.deliver(runner.connector)
        changes = changes.merge(delivery.changes)
        return EngineEvent(runner.connector.name, changes, synced, delivery)

    def _renew_refused(self, runner: _Runner) -> ChangeSet:
        """While the source has refused our credentials for some action, build the
        connector again if its secret changed (set-secret, Settings), and send those
        actions again. On the runner's own thread: no cycle is running meanwhile."""
        name = runner.connector.name
        if self._rebuild is None or not any(
            q.failure is FailureKind.CREDENTIALS and q.action.key.source == name
            for q in self._store.outbox((ActionState.FAILED,))
        ):
            return ChangeSet()
        connector = self._rebuild(name)
        if connector is None:
            return ChangeSet()
        log.info("%s: its secret changed; sending the actions refused on credentials again", name)
        runner.connector = connector
        runner.sync = SyncService(connector, self._store, self._clock)
        runner.next_sync = None
        return self.outbox.requeue_refused(name)[1]

    def _next_sync(self, runner: _Runner, result: SyncResult) -> datetime:
        now = self._clock.now()
        if result.ok:
            return now + self._interval
        if result.retry_at is not None:
            return result.retry_at
        failures = self._store.sync_state(runner.connector.name).failures
        return now + max(self._interval, backoff(failures + 1, self._rng))

    def _seconds_until(self, runner: _Runner) -> float:
        now = self._clock.now()
        wake_at = [runner.next_sync or now]
        due = self._store.deliverable(runner.connector.name, now + self._interval)
        wake_at.extend(q.next_attempt_at for q in due if q.next_attempt_at is not None)
        return max(0.05, min((t - now).total_seconds() for t in wake_at))
