"""Incremental sync and reconciliation of one connector into the store.

`sync_once` reads every page changed since the stored watermark (minus an overlap,
because sources stamp changes with coarse or skewed clocks), writes each page in its
own transaction, and records the outcome — including how long the source has been
failing, for the connectivity state. With `reconcile`, it then reads the full listing
of open incidents and closes the cached ones the source no longer lists; a listing
that fails part-way closes nothing.

The watermark moves only after a sync that finished, and never past `now + FUTURE_SLACK`:
one record stamped in the year 2199 would otherwise become the watermark, and every
later sync would ask for changes since then and see none. Such a page's watermark is
replaced by the newest believable change time, the record is logged, and the status
bar says so (`SyncState.warning`). When a full listing finds changes the incremental
syncs never saw, the source's change stamps cannot be trusted either: that is said too.

A connector whose every `fetch_changed` is the full open listing (an alert source with
no "changed since", such as Alertmanager) says so with a true `lists_all_open`
attribute: then every finished sync also closes the cached incidents it did not list,
without waiting for a reconciliation.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from noc_console.connectors.base import Connector, Page
from noc_console.connectors.errors import ConnectorUnavailable, RateLimited
from noc_console.models.board_row import ChangeSet
from noc_console.models.cache.store import Store
from noc_console.models.clock import Clock
from noc_console.models.incident import IncidentKey

log = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=2)
_QUOTED = re.compile(r"'[^']*'$|\"[^\"]*\"$")
#: How far ahead of our clock a source's change stamp may be (clock skew) and still
#: count as the watermark.
FUTURE_SLACK = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class SyncResult:
    connector: str
    changes: ChangeSet
    finished_at: datetime
    error: str | None = None
    retry_at: datetime | None = None  # the source asked us to wait until then
    problems: tuple[str, ...] = ()  # why records were skipped: "what id: reason" each

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
        state = self._store.sync_state(name)
        previous = state.watermark
        since = previous - OVERLAP if previous is not None else None
        watermark = previous
        changes = _Changes()  # one set for every page: merging copied it page by page
        problems: list[str] = []
        warnings: list[str] = []
        complete = bool(getattr(self._connector, "lists_all_open", False))
        fetched: set[IncidentKey] = set()
        try:
            self._store.upsert_clients(self._connector.clients())
            for page in self._connector.fetch_changed(since):
                if complete:
                    fetched.update(self._listed(page))
                changes.add(self._store.upsert_incidents(page.incidents))
                changes.add(ChangeSet(skipped=len(page.skipped)))
                problems.extend(page.problems)
                mark = self._believable(page, started, warnings)
                if mark is not None and (watermark is None or mark > watermark):
                    watermark = mark
            if complete and not reconcile:
                changes.add(self._close_missing(fetched))
            if reconcile:
                missed, listed = self._reconcile(started - OVERLAP)
                changes.add(listed)
                if missed:
                    warnings.append(
                        f"the full listing found {missed} change(s) the incremental sync "
                        "missed; the source's change times may be wrong"
                    )
        except ConnectorUnavailable as exc:
            retry_at = None
            if isinstance(exc, RateLimited) and exc.retry_after is not None:
                retry_at = self._clock.now() + timedelta(seconds=exc.retry_after)
            log.warning("sync of %s failed: %s", name, exc)
            # A sync that did not finish keeps the old watermark: pages it did not read
            # may hold changes older than the ones it read.
            self._store.record_sync(name, started, previous, error=str(exc), retry_at=retry_at)
            return SyncResult(name, changes.done(), self._clock.now(), str(exc), retry_at)
        done = changes.done()
        note = _skip_note(problems, done.skipped)
        # A warning stands until the next reconciliation looks again.
        warning = "; ".join(warnings) or (None if reconcile else state.warning)
        self._store.record_sync(name, started, watermark, reconciled=reconcile,
                                skipped=done.skipped, skip_note=note,
                                warning=warning)  # fmt: skip
        if done.skipped:
            log.warning("sync of %s skipped %d malformed record(s)", name, done.skipped)
        return SyncResult(name, done, self._clock.now(), problems=tuple(problems))

    def _believable(self, page: Page, now: datetime, warnings: list[str]) -> datetime | None:
        """The page's watermark, unless it lies beyond `now + FUTURE_SLACK`: then the
        newest change time of the page that does not (or none), with a warning."""
        if page.watermark is None or page.watermark <= now + FUTURE_SLACK:
            return page.watermark
        limit = now + FUTURE_SLACK
        future = [i for i in page.incidents if i.updated_at > limit]
        for incident in future[:5]:
            log.warning(
                "%s: %s says it changed at %s, in the future; not used as the sync watermark",
                self._connector.name, incident.external_id, incident.updated_at.isoformat(),
            )  # fmt: skip
        first = future[0].external_id if future else "a record"
        warnings.append(
            f"{first} is stamped {page.watermark:%Y-%m-%d %H:%M} UTC, in the future; "
            "ignored as the sync watermark"
        )
        return max((i.updated_at for i in page.incidents if i.updated_at <= limit), default=None)

    def _reconcile(self, window_start: datetime) -> tuple[int, ChangeSet]:
        """Read the whole open listing; (changes it found that the incremental sync
        should have seen — stamped before `window_start` — and did not, what changed).
        Closes cached incidents the listing no longer has."""
        seen: set[IncidentKey] = set()
        changes = _Changes()
        missed = 0
        for page in self._connector.list_open():
            seen.update(self._listed(page))
            found = self._store.upsert_incidents(page.incidents)
            missed += sum(
                1 for i in page.incidents if i.key in found.upserted and i.updated_at < window_start
            )
            changes.add(found)
        changes.add(self._close_missing(seen))
        return missed, changes.done()

    def _listed(self, page: Page) -> set[IncidentKey]:
        """The keys a listing page covers: its incidents and the records it skipped
        (still open upstream, only unreadable)."""
        name = self._connector.name
        return {i.key for i in page.incidents} | {IncidentKey(name, s) for s in page.skipped}

    def _close_missing(self, seen: set[IncidentKey]) -> ChangeSet:
        closed = self._store.close_missing(self._connector.name, seen, self._clock.now())
        if closed:
            log.info(
                "%s: %d incident(s) closed upstream", self._connector.name, len(closed.upserted)
            )
        return closed


class _Changes:
    """A sync's change sets, gathered page by page into one."""

    def __init__(self) -> None:
        self._upserted: set[IncidentKey] = set()
        self._skipped = 0

    def add(self, changes: ChangeSet) -> None:
        self._upserted |= changes.upserted
        self._skipped += changes.skipped

    def done(self) -> ChangeSet:
        return ChangeSet(frozenset(self._upserted), self._skipped)


def skip_reasons(problems: Sequence[str], limit: int = 5) -> list[str]:
    """The most common reasons records were skipped, with their count and one record:
    `12 × queue 'General' is not mapped to a client (e.g. RT ticket 41)`."""
    by_reason: dict[str, list[str]] = {}
    for problem in problems:
        what, _, reason = problem.partition(": ")
        reason = _QUOTED.sub("…", reason)  # the record's own text differs each time
        by_reason.setdefault(reason or what, []).append(what)
    ranked = sorted(by_reason.items(), key=lambda item: -len(item[1]))
    return [f"{len(whats)} × {reason} (e.g. {whats[0]})" for reason, whats in ranked[:limit]]


def _skip_note(problems: list[str], skipped: int) -> str | None:
    """The first reason, and how many more: what the status bar shows."""
    if not skipped:
        return None
    first = problems[0] if problems else "malformed record"
    more = skipped - 1
    return first + (f" (and {more} more; see the log)" if more else "")
