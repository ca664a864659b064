"""The headless sync service (`noc-console serve`): a team's one set of connectors.

Several may run against one shared PostgreSQL for availability; exactly one is active.
The active one holds a session advisory lock on a connection of its own
(`models/cache/shared.SessionLock`): when its process dies, SIGKILL included, the server
ends the session and the lock with it, and a standby — trying every `poll_s` — takes
over. The active one runs the same `SyncEngine` a desk runs (sync, reconciliation,
outbox delivery per connector) and hears of actions other processes submit through the
database's change feed, which wakes the action's connector at once. Consoles may only
write actions to the outbox, not rewrite incidents (docs/team.md, "Roles"): the service
lays their pending actions over the incident rows when it hears of them, and every
console sees that through the incidents' notifications.

No action is delivered twice: an action is claimed in the database before it is sent
(`FOR UPDATE SKIP LOCKED` on PostgreSQL). A new active service first ends the claims of
every other process — only the previous active one can hold any, and it has lost its
lock — so the actions it had in flight are retried, and a retry asks the source whether
the first attempt landed before sending again.

The active service writes a heartbeat into the database every `status.BEAT_EVERY`
(host, process, active since, beat time); consoles show it, and name a heartbeat three
beats old as a dead service (services/team/status.py). A clean stop says so at once.
On becoming active it also publishes its sources' connector types, so consoles know
what each source's PSA can do (services/team/service_sources.py).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from noc_console.models.cache.claims import ClaimOwner
from noc_console.models.cache.shared import Change, ChangeFeed, SessionLock
from noc_console.models.clock import Clock, SystemClock
from noc_console.models.errors import StoreError
from noc_console.models.incident import IncidentKey
from noc_console.services.config import Config
from noc_console.services.runtime import Runtime, build_runtime, connector_configs
from noc_console.services.team.service_sources import publish
from noc_console.services.team.status import BEAT_EVERY, BEAT_KEY, ServiceBeat

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ServiceOptions:
    #: Seconds between a standby's attempts at the lock, and between the active
    #: service's checks that it still holds it (takeover takes about this long after
    #: the server notices the active one's connection close).
    poll_s: float = 1.0
    #: Seconds between health lines in the log.
    health_every_s: float = 60.0


class SyncServiceHost:
    """Runs until `stopping` is set: standby until it holds the service lock, then
    active until it stops or loses the lock (then standby again)."""

    def __init__(
        self, config: Config, db_url: str, options: ServiceOptions, clock: Clock | None = None
    ) -> None:
        self._config = config
        self._db_url = db_url
        self._options = options
        self._clock = clock or SystemClock()
        self._me = str(ClaimOwner.this_process()).rsplit("/", 1)[0]  # host/pid
        self._next_health = 0.0

    def run(self, stopping: threading.Event) -> None:
        lock = SessionLock(self._db_url)
        log.info("service %s started; standby until it holds the service lock", self._me)
        try:
            while not stopping.is_set():
                try:
                    if lock.try_acquire():
                        self._active(lock, stopping)
                        continue
                    self._health_due("standby: another service is active")
                except StoreError as exc:
                    log.error("%s; trying again in %.0f s", exc, self._options.poll_s)
                stopping.wait(self._options.poll_s)
        finally:
            lock.close()
            log.info("service %s stopped", self._me)

    # ------------------------------------------------------------ active
    def _active(self, lock: SessionLock, stopping: threading.Event) -> None:
        runtime = build_runtime(self._config, self._db_url, clock=self._clock, connectors=True)
        feed = ChangeFeed(self._db_url)
        try:
            taken = runtime.store.release_claims(self._clock.now(), self._not_mine)
            runtime.store.lay_pending()  # what consoles submitted while no service ran
            publish(runtime.store, connector_configs(self._config, demo=False))
            log.info(
                "active: service %s runs %d connector(s): %s; took over %d action(s) in flight",
                self._me, len(runtime.connectors),
                ", ".join(c.name for c in runtime.connectors), taken,
            )  # fmt: skip
            runtime.engine.start()
            self._next_health = 0.0
            active_since, next_beat = self._clock.now(), 0.0
            while not stopping.is_set():
                if not lock.held():
                    log.error("lost the service lock (the database connection broke); "
                              "stopping the connectors")  # fmt: skip
                    return
                if time.monotonic() >= next_beat:
                    self._beat(runtime, active_since)
                    next_beat = time.monotonic() + BEAT_EVERY.total_seconds()
                self._wake(runtime, self._changes(feed, stopping))
                self._health_due(self._health(runtime))
            if lock.held():  # stopped cleanly: consoles need not wait for the beat to age
                self._beat(runtime, active_since, stopped=True)
        finally:
            runtime.close()
            feed.close()

    def _beat(self, runtime: Runtime, active_since: datetime, stopped: bool = False) -> None:
        beat = ServiceBeat(socket.gethostname(), os.getpid(), active_since, self._clock.now(),
                           stopped)  # fmt: skip
        try:
            runtime.store.set_meta(BEAT_KEY, beat.to_json())
        except StoreError as exc:  # the lock check notices a lost database next
            log.warning("cannot write the heartbeat: %s", exc)

    def _not_mine(self, claimed_by: str) -> bool:
        return not claimed_by.startswith(self._me + "/")

    def _changes(self, feed: ChangeFeed, stopping: threading.Event) -> list[Change]:
        try:
            return feed.wait(self._options.poll_s)
        except StoreError as exc:
            log.warning("%s; actions are delivered on the sync schedule meanwhile", exc)
            stopping.wait(self._options.poll_s)
            return []

    @staticmethod
    def _wake(runtime: Runtime, changes: Sequence[Change]) -> None:
        outbox = [c for c in changes if c.table == "outbox" and c.source]
        for source in {c.source for c in outbox}:
            runtime.engine.wake(source)
        if outbox:  # lay the consoles' actions over their incidents (ids None: any)
            whole = any(c.ids is None for c in outbox)
            keys = {IncidentKey(c.source or "", i) for c in outbox for i in c.ids or ()}
            runtime.store.lay_pending(None if whole else keys)

    def _health(self, runtime: Runtime) -> str:
        now = self._clock.now()
        states = {s.connector: s for s in runtime.store.sync_states()}
        parts = []
        for connector in runtime.connectors:
            state = states.get(connector.name)
            synced = _ago(state.last_success_at if state else None, now)
            problem = f", failing: {state.last_error}" if state and state.failures else ""
            queued = runtime.store.queued_count(connector.name)
            parts.append(f"{connector.name}: synced {synced}, {queued} action(s) queued{problem}")
        return f"active: {'; '.join(parts) or 'no connectors'}"

    def _health_due(self, line: str) -> None:
        if time.monotonic() >= self._next_health:
            log.info("health: %s", line)
            self._next_health = time.monotonic() + self._options.health_every_s


def _ago(at: datetime | None, now: datetime) -> str:
    if at is None:
        return "never"
    return f"{max(0, int((now - at).total_seconds()))} s ago"
