"""Drives a board: loads the cache, syncs on a schedule, ticks every second.

Lives on the GUI thread; every engine call goes through the `SerialWorker`, so the
GUI thread only applies results.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from noc_console.models.clock import Clock
from noc_console.models.errors import EnvironmentProblem
from noc_console.services.board_feed import BoardFeed, BoardUpdate, FeedStatus
from noc_console.views.board_model import BoardModel
from noc_console.views.worker import SerialWorker

log = logging.getLogger(__name__)


class BoardController(QObject):
    """Feeds a `BoardModel` from a `BoardFeed`.

    Signals:
        feeds_changed(list): the connectors' `FeedStatus` list after each load or sync.
        loaded(): the cached rows are in the model (start-up, before any sync).
        synced(): a sync finished and its rows are in the model.
        ticked(): the once-a-second tick ran (status bars update their age texts).
        failed(str): background work failed with a message for the user.
    """

    feeds_changed = Signal(list)
    loaded = Signal()
    synced = Signal()
    ticked = Signal()
    failed = Signal(str)

    def __init__(
        self,
        feed: BoardFeed,
        model: BoardModel,
        clock: Clock,
        sync_interval_ms: int = 5000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._feed = feed
        self._model = model
        self._clock = clock
        self._worker = SerialWorker(self)
        self._syncing = False
        self.feeds: Sequence[FeedStatus] = ()
        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(1000)
        self._tick_timer.timeout.connect(self.tick)
        self._sync_timer = QTimer(self)
        self._sync_timer.setInterval(sync_interval_ms)
        self._sync_timer.timeout.connect(self.sync_now)

    def start(self) -> None:
        """Show the cache at once, then sync now and on schedule."""
        self._worker.submit(self._feed.snapshot, self._loaded, self._fail)
        self.sync_now()
        self._tick_timer.start()
        self._sync_timer.start()

    def stop(self) -> None:
        self._tick_timer.stop()
        self._sync_timer.stop()
        self._worker.close()

    def sync_now(self) -> None:
        if self._syncing:
            return  # one sync at a time; the timer will come round again
        self._syncing = True
        self._worker.submit(self._feed.sync, self._synced, self._fail)

    def tick(self) -> None:
        self._model.tick(self._clock.now())
        self.ticked.emit()

    def _apply(self, update: BoardUpdate) -> None:
        self._model.tick(self._clock.now())
        self._model.apply(update)
        self.feeds = update.feeds
        self.feeds_changed.emit(list(update.feeds))

    def _loaded(self, update: BoardUpdate) -> None:
        self._apply(update)
        self.loaded.emit()

    def _synced(self, update: BoardUpdate) -> None:
        self._syncing = False
        self._apply(update)
        self.synced.emit()

    def _fail(self, error: BaseException) -> None:
        self._syncing = False
        if isinstance(error, EnvironmentProblem):
            message = str(error)
        else:
            log.error("board update failed", exc_info=error)
            message = f"internal error: {error!r} (details in the log)"
        self.failed.emit(message)
