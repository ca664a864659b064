"""What the board needs from the engine: a snapshot to start from, then updates.

Both calls do database (and, for `sync`, network) work and must run on the store's
serial worker thread; their results are frozen values safe to hand to the GUI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from noc_console.models.board_row import BoardRow
from noc_console.models.clock import Clock
from noc_console.models.incident import IncidentKey
from noc_console.models.store import Store
from noc_console.services.sync import SyncService


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """How one connector is doing, for the status bar and the wall banner."""

    name: str
    label: str
    last_success_at: datetime | None
    last_error: str | None

    @property
    def online(self) -> bool:
        return self.last_error is None and self.last_success_at is not None


@dataclass(frozen=True, slots=True)
class BoardUpdate:
    """Rows to apply and the feeds' state. With `full`, `rows` is every open row."""

    rows: Sequence[BoardRow]
    feeds: Sequence[FeedStatus]
    full: bool = False


class BoardFeed:
    def __init__(self, store: Store, syncs: Sequence[SyncService], clock: Clock) -> None:
        self._store = store
        self._syncs = syncs
        self._clock = clock

    def snapshot(self) -> BoardUpdate:
        """Every open incident from the cache, nearest deadline first."""
        return BoardUpdate(self._store.open_rows(), self._feeds(), full=True)

    def sync(self) -> BoardUpdate:
        """Sync every connector once; the rows that changed (closed ones included)."""
        keys: set[IncidentKey] = set()
        for service in self._syncs:
            keys |= service.sync_once().changes.upserted
        rows = self._store.rows(keys) if keys else []
        return BoardUpdate(rows, self._feeds())

    def _feeds(self) -> list[FeedStatus]:
        feeds = []
        for service in self._syncs:
            connector = service.connector
            state = self._store.sync_state(connector.name)
            feeds.append(
                FeedStatus(connector.name, connector.label, state.last_success_at, state.last_error)
            )
        return feeds
