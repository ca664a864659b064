"""A console following the shared database: the change feed, turned into what to re-read.

A console or wall on a team's PostgreSQL runs no connectors; it learns of every
committed change through `LISTEN` (`models/cache/shared.ChangeFeed`, fed by the triggers
of migration 0008). `Follower` waits on the feed on a thread of its own and tells its
listener what changed as a `Followed`: the incident keys to read again (incident rows
and outbox actions, whose pending changes lie over their rows), the tables without keys
(handovers, major incidents), or `reload` — read everything again — when notifications may have been
lost: after (re)connecting, when the feed broke (it reconnects with growing pauses,
and changes meanwhile are lost), for a payload that names no keys, and every `poll_s`
as the slow fallback for a notification lost some other way.

The listener runs on the follower's thread: a GUI hands it on to its own thread (the
board's controller does, through a queued signal); a headless client may work there.
No Qt here: the benchmark's headless consoles run the same code.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from noc_console.models.cache.shared import Change, ChangeFeed
from noc_console.models.errors import StoreError
from noc_console.models.incident import IncidentKey

log = logging.getLogger(__name__)

#: Tables whose notifications carry incident keys (outbox rows name their incident).
KEYED = frozenset({"incidents", "outbox"})
#: The major incidents' tables (schema 0013): a change to any is a banner to re-read.
MAJOR_INCIDENT_TABLES = frozenset(
    {"major_incidents", "major_incident_children", "major_incident_events"}
)


@dataclass(frozen=True, slots=True)
class Followed:
    """What a listener should read again."""

    keys: frozenset[IncidentKey] = frozenset()
    tables: frozenset[str] = field(default_factory=frozenset)  # changed, keys unknown
    reload: bool = False  # everything: notifications may have been lost

    def __bool__(self) -> bool:
        return bool(self.keys or self.tables or self.reload)

    @property
    def major_incidents(self) -> bool:
        """The open major incidents may have changed: declared, updated, closed out on
        another desk — or a reload (the follower's slow poll covers a lost one)."""
        return self.reload or not self.tables.isdisjoint(MAJOR_INCIDENT_TABLES)


def followed(changes: Iterable[Change]) -> Followed:
    """Fold a batch of notifications into what to read again."""
    keys: set[IncidentKey] = set()
    tables: set[str] = set()
    reload = False
    for change in changes:
        if change.table in KEYED:
            if change.source is None or change.ids is None:
                reload = True  # "any of this source": cheaper to read all than guess
            else:
                keys.update(IncidentKey(change.source, i) for i in change.ids)
        elif change.table == "unknown":
            reload = True
        else:
            tables.add(change.table)
    return Followed(frozenset(keys), frozenset(tables), reload)


@dataclass(frozen=True, slots=True)
class FollowOptions:
    #: Seconds one wait on the feed lasts (also how long `stop` may take).
    wait_s: float = 0.5
    #: Seconds between reloads that cover a lost notification (the slow poll).
    poll_s: float = 30.0
    #: First and longest pause before reconnecting a broken feed (doubling between).
    backoff_s: tuple[float, float] = (1.0, 30.0)


class Follower:
    """Follows a shared database's change feed on a daemon thread until `stop`."""

    def __init__(self, url: str, options: FollowOptions | None = None) -> None:
        self._url = url
        self._options = options or FollowOptions()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        #: Whether the feed is connected now (the listener hears of a break as a reload
        #: once it is back; a screen may say so meanwhile).
        self.connected = False

    def start(self, listener: Callable[[Followed], None]) -> None:
        """Follow on a new thread; `listener` is called there with each `Followed`."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._run, args=(listener,), name="noc-follow", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop and wait for the thread (at most about one `wait_s`)."""
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(self._options.wait_s + 10.0)

    def _run(self, listener: Callable[[Followed], None]) -> None:
        options, stopping = self._options, self._stopping
        feed = ChangeFeed(self._url)
        pause = options.backoff_s[0]
        next_poll = time.monotonic() + options.poll_s
        try:
            while not stopping.is_set():
                try:
                    if not self.connected:
                        feed.wait(0.0)  # LISTEN first: nothing after it can be missed
                        self.connected, pause = True, options.backoff_s[0]
                        log.info("following the shared database's changes")
                        news = Followed(reload=True)  # whatever happened before it
                    else:
                        news = followed(feed.wait(options.wait_s))
                except StoreError as exc:
                    if self.connected:
                        log.warning("%s; reconnecting, then reloading everything", exc)
                    self.connected = False
                    stopping.wait(pause)
                    pause = min(pause * 2, options.backoff_s[1])
                    continue
                if time.monotonic() >= next_poll:
                    news = Followed(news.keys, news.tables, reload=True)
                if news.reload:
                    next_poll = time.monotonic() + options.poll_s
                if news and not stopping.is_set():
                    self._tell(listener, news)
        finally:
            self.connected = False
            feed.close()

    @staticmethod
    def _tell(listener: Callable[[Followed], None], news: Followed) -> None:
        try:
            listener(news)
        except Exception:  # a bug in one listener call must not end the following
            log.exception("following the shared database: the listener failed")
