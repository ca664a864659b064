"""Moving a team console's spooled actions into the shared outbox, and watching whether
the shared database answers (docs/team.md, "When a console loses the database").

A thread of its own: every `poll_s` seconds, or at once when an action is submitted,
it hands the desk spool's actions to the shared outbox oldest first, each in one
transaction (`Store.enqueue`: `INSERT … ON CONFLICT (id) DO NOTHING`), and removes an
action from the spool only once the outbox has it. A crash, or a connection that
broke during COMMIT, between the two leaves the action in both: the next drain sends
it again and the outbox keeps one. With nothing to hand over it asks the database for
nothing (`Store.ping`), so a console knows within `poll_s` that the database went
away, and since when — which the status bar shows, with the actions kept meanwhile
(`status`).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from datetime import datetime

from noc_console.models.actions import Action
from noc_console.models.cache.store import Store
from noc_console.models.clock import Clock
from noc_console.models.errors import StoreError
from noc_console.services.sources.connectivity import FeedStatus, database_status
from noc_console.services.team.spool import DeskSpool

log = logging.getLogger(__name__)


class SpoolDrainer:
    def __init__(self, spool: DeskSpool, store: Store, clock: Clock, poll_s: float = 2.0) -> None:
        self._spool = spool
        self._store = store
        self._clock = clock
        self._poll_s = poll_s
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._down_since: datetime | None = None
        self._reason: str | None = None
        self._answered_at: datetime | None = None

    def submit(self, action: Action) -> None:
        """Keep `action` on this desk (durable when this returns) and wake the drain.
        Its time is now, when it was taken, however long it waits here."""
        if action.created_at is None:
            action = replace(action, created_at=self._clock.now())
        self._spool.put(action)
        self._wake.set()

    def drain(self) -> int:
        """Hand every spooled action to the shared outbox, oldest first; how many. A
        StoreError when the database stops answering (what is left stays spooled)."""
        moved = 0
        while batch := self._spool.head():
            for n, action in batch:
                self._store.enqueue(action, self._clock.now())
                self._spool.remove(n)
                moved += 1
        return moved

    def check(self) -> None:
        """One round: drain, or ask the database for nothing; remember whether it
        answered, and since when it has not."""
        try:
            try:
                self._round()
            except StoreError:  # a pooled connection the server ended (it restarted):
                self._round()  # the pool has dropped them all, so ask once more at once
        except StoreError as exc:
            if self._down_since is None:
                self._down_since = self._clock.now()
                log.warning("the shared database does not answer: %s; actions are kept "
                            "on this desk until it does", exc)  # fmt: skip
            self._reason = _reason(exc)
            return
        if self._down_since is not None:
            log.info("the shared database answers again; the actions kept here are in its outbox")
        self._down_since = self._reason = None
        self._answered_at = self._clock.now()

    def _round(self) -> None:
        if not self.drain():
            self._store.ping()

    def status(self) -> FeedStatus | None:
        """The shared database as a feed of the status bar: None while it answers and
        nothing waits on this desk."""
        return database_status(self._down_since, self._reason, self._answered_at,
                               self._spool.count())  # fmt: skip

    def start(self) -> None:
        if self._thread is None:
            self._stopping.clear()
            self._thread = threading.Thread(target=self._loop, name="desk-spool", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()  # before the round: a submit during it runs the next at once
            try:
                self.check()
            except Exception:  # a bug: keep the thread alive, say so, try again later
                log.exception("draining the desk spool failed")
            self._wake.wait(self._poll_s)


def _reason(exc: StoreError) -> str:
    """The driver's first line ("connection refused"), not the store's whole sentence
    with the database's address: the status bar names the database already."""
    cause = getattr(exc.__cause__, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__
