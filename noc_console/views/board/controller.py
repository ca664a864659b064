"""Drives a board's live rows: loads the cache, follows the sync engine, ticks.

Lives on the GUI thread. Engine events arrive from connector threads through a queued
signal; bursts are coalesced on a short timer, and every store read goes through the
`SerialWorker`, so the GUI thread only applies results to the `LiveRows` (whose
listeners — a board's model — replay the diff). The board and the wall both run on
one; each window moves its own clocks on `ticked`.

On a team's shared database the engine runs no connectors; a `Follower`
(services/team/follow.py) hears of every committed change instead, and its news is fed
in the same way as engine events: incident keys coalesced into one read
(`incidents_changed`), or a reload of what differs (`reload`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from noc_console.models.actions import Action, QueuedAction
from noc_console.models.board_row import ChangeSet
from noc_console.models.breach_forecast import BreachForecast
from noc_console.models.clock import Clock
from noc_console.models.errors import EnvironmentProblem
from noc_console.models.incident import IncidentKey
from noc_console.services.board.feed import BoardFeed, BoardUpdate
from noc_console.services.board.incident_detail import IncidentDetail
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.engine import EngineEvent, SyncEngine
from noc_console.services.outbox import Settlement
from noc_console.services.sources.connectivity import FeedStatus
from noc_console.services.team.follow import Followed, Follower
from noc_console.views.worker import Op, SerialWorker

log = logging.getLogger(__name__)

COALESCE_MS = 150  # gather bursts of engine events into one board update
FEEDS_REFRESH_MS = 2000  # connectivity and queue counts change without incident changes
FORECAST_EVERY_MS = 60_000  # breach forecasts move with time and queues, not by the second
FORECAST_WAIT_MS = 2000  # asked again this soon while the forecast's history is being read


class BoardController(QObject):
    """Feeds `LiveRows` from a `BoardFeed` and a `SyncEngine`.

    Signals:
        feeds_changed(list): the connectors' `FeedStatus` list after each refresh.
        applied(): a batch of rows went into the model (filters re-check them).
        changed(frozenset): the keys of the incidents that batch changed (a detail panel
            showing one of them reads it again).
        loaded(): the cached rows are in the model (start-up, before any sync).
        synced(): a sync finished and its rows are in the model (on a team's shared
            database: changes followed from it, or a reload — that console's syncs).
        ticked(): once a second (boards move their countdowns, status bars their ages).
        failed(str): background work failed with a message for the user.
        handovers_changed(): another desk stored or acknowledged a handover (team mode).
        major_incidents_changed(): a major incident was declared, updated or closed out
            on another desk, or everything was reloaded (team mode).
        service_changed(object): the sync service's last `ServiceBeat`, or None when
            none was written, after each refresh of the feeds (team mode only).
        service_unknown(): its heartbeat could not be read (the database does not
            answer: whatever screen says so, the service's state is not known).
    """

    feeds_changed = Signal(list)
    applied = Signal()
    changed = Signal(frozenset)
    loaded = Signal()
    synced = Signal()
    ticked = Signal()
    failed = Signal(str)
    handovers_changed = Signal()
    major_incidents_changed = Signal()
    service_changed = Signal(object)
    service_unknown = Signal()
    _engine_event = Signal(object)  # EngineEvent, emitted on connector threads
    _followed = Signal(object)  # Followed, emitted on the follower's thread

    def __init__(
        self,
        feed: BoardFeed,
        engine: SyncEngine,
        live: LiveRows,
        clock: Clock,
        parent: QObject | None = None,
        follower: Follower | None = None,
    ) -> None:
        """`follower`: the shared database's change feed (team mode), started and
        stopped with the controller."""
        super().__init__(parent)
        self._feed = feed
        self._follower = follower
        self._reloading = False
        self._reload_again = False
        self._engine = engine
        self.live = live
        self._clock = clock
        self._worker = SerialWorker(self)
        self._dirty: set[IncidentKey] = set()
        self._synced_since_flush = False
        self._running = False
        self._loading = False
        self.feeds: Sequence[FeedStatus] = ()
        self._engine_event.connect(self._on_engine_event)
        self._followed.connect(self._on_followed)
        engine.add_listener(self._engine_event.emit)
        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(1000)
        self._tick_timer.timeout.connect(self.tick)
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(COALESCE_MS)
        self._flush_timer.timeout.connect(self._flush)
        self._feeds_timer = QTimer(self)
        self._feeds_timer.setInterval(FEEDS_REFRESH_MS)
        self._feeds_timer.timeout.connect(self.refresh_feeds)
        self._forecast_timer = QTimer(self)
        self._forecast_timer.setInterval(FORECAST_EVERY_MS)
        self._forecast_timer.timeout.connect(self.reforecast)
        self._forecast_soon = QTimer(self)
        self._forecast_soon.setSingleShot(True)
        self._forecast_soon.setInterval(FORECAST_WAIT_MS)
        self._forecast_soon.timeout.connect(self.reforecast)

    def load(self) -> None:
        """Start reading the cache on the worker (once). The rows arrive through the event
        loop, so a window built meanwhile still sees `loaded`; calling this before
        building it overlaps the read with the window's construction."""
        if not self._loading:
            self._loading = True
            Op(self._feed.snapshot, self._loaded, self._fail).start(self._worker.run)

    def start(self) -> None:
        """Show the cache at once, then follow the engine."""
        self._running = True
        self.load()
        self._engine.start()
        if self._follower is not None:
            self._follower.start(self._followed.emit)
        if self._feed.shared:
            self.refresh_feeds()  # the service's state at once, not in 2 s
        self._tick_timer.start()
        self._feeds_timer.start()
        self._forecast_timer.start()

    def stop(self) -> None:
        if not self._running:
            return
        self._running = False
        self._tick_timer.stop()
        self._feeds_timer.stop()
        self._forecast_timer.stop()
        self._forecast_soon.stop()
        self._flush_timer.stop()
        if self._follower is not None:
            self._follower.stop()
        self._engine.stop()
        self._worker.close()

    def submit(self, action: Action) -> None:
        """Queue a triage action; the row changes once it is durable in the outbox."""
        submit = Op(lambda: self._engine.submit(action), self._on_changes, self._fail)
        submit.start(self._worker.run)

    def refresh_rows(self, changes: ChangeSet) -> None:
        """Show rows that work other than a triage action changed (a major incident's
        declaration laid its children's notes over them)."""
        self._on_changes(changes)

    def settle(self, seq: int, how: Settlement) -> None:
        """Keep theirs / apply mine / retry / discard one outbox action (off the GUI thread);
        a failure (its state changed meanwhile) shows in the status bar."""
        Op(lambda: self._engine.settle(seq, how), self._on_changes, self._fail).start(
            self._worker.run
        )

    def actions_of(self, key: IncidentKey, done: Callable[[list[QueuedAction]], None]) -> None:
        """The outbox actions of one incident, oldest first, handed to `done`."""
        Op(lambda: self._feed.actions(key), done, self._fail).start(self._worker.run)

    def detail(self, key: IncidentKey, now: datetime) -> IncidentDetail | None:
        """The detail panel's data for one incident (call on the worker)."""
        return self._feed.detail(key, now)

    def run_in_background(self, op: Op[Any]) -> None:
        """Run read-only engine work (queue counts, detail lookups) on the worker; a
        failure the op does not handle itself shows in the status bar (`failed`).
        A `Runner`: `op.start(controller.run_in_background)`."""
        self._worker.run(op.failing_with(self._fail))

    @property
    def shared(self) -> bool:
        """On a team's shared database (the sync service's state is worth showing)."""
        return self._feed.shared

    def incidents_changed(self, keys: Iterable[IncidentKey]) -> None:
        """Read these incidents again (changed elsewhere): coalesced with other changes
        into one read, as engine events are; for what follows syncs, it is one."""
        self._synced_since_flush = True
        self._on_changes(ChangeSet(upserted=frozenset(keys)))

    def reload(self) -> None:
        """Read every open incident again and apply what differs (changes may have been
        missed): no reset, so selection and scroll stay. One at a time; a reload asked
        meanwhile runs once the current one is applied."""
        if self._reloading:
            self._reload_again = True
            return
        self._reloading = True
        shown, feed = self.live.rows(), self._feed
        Op(lambda: feed.refreshed(shown), self._reloaded, self._reload_failed).start(
            self._worker.run
        )

    def tick(self) -> None:
        self.ticked.emit()

    def reforecast(self) -> None:
        """Forecast every open row again on the worker (after the first paint, then every
        minute); the rows whose forecast changed go into the board as changed rows. While
        the forecast's history is still being read, asked again in `FORECAST_WAIT_MS`."""
        forecasts = self._feed.forecasts
        if forecasts is None:
            return
        rows = self.live.rows()

        def work() -> tuple[bool, dict[IncidentKey, BreachForecast | None]]:
            had_history = forecasts.ready  # before the pass: it may start the reading
            return had_history, self._feed.reforecast(rows)

        Op(work, self._forecasted, self._fail).start(self._worker.run)

    def refresh_feeds(self) -> None:
        Op(self._feed.feeds, self._on_feeds, self._fail).start(self._worker.run)
        if self._feed.shared:  # apart: the feeds are shown even when this cannot be read
            Op(self._feed.service, self.service_changed.emit, self._service_failed).start(
                self._worker.run
            )

    # ------------------------------------------------------------ internals
    def _on_engine_event(self, event: EngineEvent) -> None:
        self._synced_since_flush |= event.synced is not None
        self._on_changes(event.changes)

    def _on_followed(self, news: Followed) -> None:
        if news.keys:
            self.incidents_changed(news.keys)
        if news.reload:
            self.reload()
        if "handovers" in news.tables:
            self.handovers_changed.emit()
        if news.major_incidents:
            self.major_incidents_changed.emit()

    def _reloaded(self, update: BoardUpdate) -> None:
        self._apply(update)
        self.synced.emit()
        self._reload_done()

    def _reload_failed(self, error: BaseException) -> None:
        self._reload_done()
        self._fail(error)

    def _reload_done(self) -> None:
        self._reloading = False
        if self._reload_again:
            self._reload_again = False
            self.reload()

    def _service_failed(self, error: BaseException) -> None:
        if not isinstance(error, EnvironmentProblem):
            self._fail(error)  # a bug: said like any other
        self.service_unknown.emit()

    def _on_changes(self, changes: ChangeSet) -> None:
        self._dirty |= changes.upserted
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush(self) -> None:
        keys, self._dirty = self._dirty, set()
        synced, self._synced_since_flush = self._synced_since_flush, False
        update = Op(lambda: self._feed.update(keys), lambda u: self._updated(u, synced), self._fail)
        update.start(self._worker.run)

    def _apply(self, update: BoardUpdate) -> None:
        self.live.apply(update.rows, update.full)
        self.applied.emit()
        self.changed.emit(frozenset(row.key for row in update.rows))
        self._on_feeds(list(update.feeds))

    def _on_feeds(self, feeds: list[FeedStatus]) -> None:
        self.feeds = feeds
        self.feeds_changed.emit(feeds)

    def _loaded(self, update: BoardUpdate) -> None:
        self._apply(update)
        self.loaded.emit()
        self.reforecast()

    def _forecasted(self, result: tuple[bool, dict[IncidentKey, BreachForecast | None]]) -> None:
        """Lay new forecasts over the rows as they are now (a row a sync changed since the
        pass keeps its newer data; its forecast is at most a pass old)."""
        had_history, found = result
        if not had_history and self._running:
            self._forecast_soon.start()  # the history was still being read
        if not found:
            return
        current = {row.key: row for row in self.live.rows()}
        rows = [replace(current[key], forecast=forecast) for key, forecast in found.items()
                if key in current and current[key].forecast != forecast]  # fmt: skip
        if rows:
            self.live.apply(rows)
            self.applied.emit()

    def _updated(self, update: BoardUpdate, synced: bool) -> None:
        self._apply(update)
        if synced:
            self.synced.emit()

    def _fail(self, error: BaseException) -> None:
        if isinstance(error, EnvironmentProblem):
            message = str(error)
        else:
            log.error("board update failed", exc_info=error)
            message = f"internal error: {error!r} (details in the log)"
        self.failed.emit(message)
