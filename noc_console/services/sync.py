"""Incremental sync and reconciliation of one connector into the store.

`sync_once` reads every page changed since the stored watermark (minus an overlap,
because sources stamp changes with coarse or skewed clocks), writes each page in its
own transaction, and records the outcome — including how long the source has been
failing, for the connectivity state. With `reconcile`, it then reads the full listing
of open incidents and closes the cached ones the source no longer lists; a listing
that fails part-way closes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from noc_console.connectors.base import Connector
from noc_console.connectors.errors import ConnectorUnavailable, RateLimited
from noc_console.models.board_row import ChangeSet
from noc_console.models.clock import Clock
from noc_console.models.incident import IncidentKey
from noc_console.models.store import Store

log = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class SyncResult:
    connector: str
    changes: ChangeSet
    finished_at: datetime
    error: str | None = None
    retry_at: datetime | None = None  # the source asked us to wait until then

    @property
    def ok(self) -> bool:
        return self.error is None


class SyncService:
    """Syncs one connector; call from that connector's thread, never the GUI thread."""

    def __init__(self, connector: Connector, store: Store, clock: Clock) -> None:
        self._connector = connector
        self._store = store
        self._clock = clock

    @property
    def connector(self) -> Connector:
        return self._connector

    def sync_once(self, reconcile: bool = False) -> SyncResult:
        name = self._connector.name
        started = self._clock.now()
        watermark = self._store.sync_state(name).watermark
        since = watermark - OVERLAP if watermark is not None else None
        changes = ChangeSet()
        problems: list[str] = []
        try:
            self._store.upsert_clients(self._connector.clients())
            for page in self._connector.fetch_changed(since):
                changes = changes.merge(self._store.upsert_incidents(page.incidents))
                changes = changes.merge(ChangeSet(skipped=len(page.skipped)))
                problems.extend(page.problems)
                if page.watermark is not None and (watermark is None or page.watermark > watermark):
                    watermark = page.watermark
            if reconcile:
                changes = changes.merge(self._reconcile())
        except ConnectorUnavailable as exc:
            retry_at = None
            if isinstance(exc, RateLimited) and exc.retry_after is not None:
                retry_at = self._clock.now() + timedelta(seconds=exc.retry_after)
            log.warning("sync of %s failed: %s", name, exc)
            self._store.record_sync(name, started, watermark, error=str(exc), retry_at=retry_at)
            return SyncResult(name, changes, self._clock.now(), str(exc), retry_at)
        note = _skip_note(problems, changes.skipped)
        self._store.record_sync(name, started, watermark, reconciled=reconcile,
                                skipped=changes.skipped, skip_note=note)  # fmt: skip
        if changes.skipped:
            log.warning("sync of %s skipped %d malformed record(s)", name, changes.skipped)
        return SyncResult(name, changes, self._clock.now())

    def _reconcile(self) -> ChangeSet:
        seen: set[IncidentKey] = set()
        changes = ChangeSet()
        for page in self._connector.list_open():
            seen.update(i.key for i in page.incidents)
            seen.update(IncidentKey(self._connector.name, s) for s in page.skipped)
            changes = changes.merge(self._store.upsert_incidents(page.incidents))
        closed = self._store.close_missing(self._connector.name, seen, self._clock.now())
        if closed:
            log.info(
                "%s: %d incident(s) closed upstream", self._connector.name, len(closed.upserted)
            )
        return changes.merge(closed)


def _skip_note(problems: list[str], skipped: int) -> str | None:
    """The first reason, and how many more: what the status bar shows."""
    if not skipped:
        return None
    first = problems[0] if problems else "malformed record"
    more = skipped - 1
    return first + (f" (and {more} more; see the log)" if more else "")
