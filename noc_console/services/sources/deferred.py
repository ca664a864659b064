"""A connector built on its first use, for the console's start-up.

Building a connector imports its vendor module and `requests` (a fifth of a second) and
may read the keyring; none of that is needed to show the cache. The board's feed asks a
connector only for its name and label, which the configuration already gives, so the
console hands the engine stand-ins that build the real connector — with the same
factory, so a missing secret still becomes an `UnavailableConnector` — the first time
the engine's sync thread calls one, after the first paint.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

from noc_console.connectors.base import Connector, NamedSource, Page
from noc_console.models.actions import Action
from noc_console.models.incident import Client


class DeferredConnector(NamedSource):
    """`build()`'s connector, made once on the first call that needs it (thread-safe).
    `name` and `label` must be what that connector will answer."""

    def __init__(self, name: str, label: str, build: Callable[[], Connector]) -> None:
        super().__init__(name, label)
        self._build: Callable[[], Connector] | None = build
        self._built: Connector | None = None
        self._lock = threading.Lock()

    @property
    def built(self) -> bool:
        return self._built is not None

    def connector(self) -> Connector:
        """The real connector (built now if it was not yet)."""
        with self._lock:
            if self._built is None:
                assert self._build is not None
                self._built = self._build()
                self._build = None
            return self._built

    def clients(self) -> Sequence[Client]:
        return self.connector().clients()

    def fetch_changed(self, since: datetime | None) -> Iterator[Page]:
        return self.connector().fetch_changed(since)

    def list_open(self) -> Iterator[Page]:
        return self.connector().list_open()

    def apply(self, action: Action, retry: bool) -> str:
        return self.connector().apply(action, retry)
