"""Incremental sync of one connector into the store.

One call to `sync_once` reads every page changed since the stored watermark (minus
an overlap, because sources stamp changes with coarse or skewed clocks), writes each
page in its own transaction, and records the outcome. A source that is down leaves
the cache as it was and the error on record for the board to show.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from noc_console.connectors.base import Connector
from noc_console.connectors.errors import ConnectorUnavailable
from noc_console.models.board_row import ChangeSet
from noc_console.models.clock import Clock
from noc_console.models.store import Store

log = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class SyncResult:
    connector: str
    changes: ChangeSet
    finished_at: datetime
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class SyncService:
    """Syncs one connector; call from the store's serial worker, never the GUI thread."""

    def __init__(self, connector: Connector, store: Store, clock: Clock) -> None:
        self._connector = connector
        self._store = store
        self._clock = clock

    @property
    def connector(self) -> Connector:
        return self._connector

    def sync_once(self) -> SyncResult:
        name = self._connector.name
        started = self._clock.now()
        state = self._store.sync_state(name)
        watermark = state.watermark
        since = watermark - OVERLAP if watermark is not None else None
        changes = ChangeSet()
        try:
            self._store.upsert_clients(self._connector.clients())
            for page in self._connector.fetch_changed(since):
                changes = changes.merge(self._store.upsert_incidents(page.incidents))
                if page.skipped:
                    changes = changes.merge(ChangeSet(skipped=len(page.skipped)))
                if page.watermark is not None and (watermark is None or page.watermark > watermark):
                    watermark = page.watermark
        except ConnectorUnavailable as exc:
            log.warning("sync of %s failed: %s", name, exc)
            self._store.record_sync(name, started, watermark, error=str(exc))
            return SyncResult(name, changes, self._clock.now(), error=str(exc))
        self._store.record_sync(name, started, watermark)
        log.debug(
            "sync of %s: %d changed, %d skipped", name, len(changes.upserted), changes.skipped
        )
        return SyncResult(name, changes, self._clock.now())
