"""What the board reads from the engine: a snapshot to start from, then rows by key.

Every call touches the database and must run on the GUI's serial worker thread; the
results are frozen values safe to hand to the GUI.

On a team's shared database (`shared`) the console runs no connectors: the feeds are
the sources the sync service keeps state for there, and `service` reads the service's
heartbeat (services/team/status.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from noc_console.connectors.base import Connector
from noc_console.models.actions import QueuedAction
from noc_console.models.board_row import BoardRow
from noc_console.models.breach_forecast import BreachForecast
from noc_console.models.cache.store import Store
from noc_console.models.errors import StoreError
from noc_console.models.incident import IncidentKey
from noc_console.services.board.incident_detail import IncidentDetail, incident_detail
from noc_console.services.forecast.service import ForecastService
from noc_console.services.sources.connectivity import Connectivity, FeedStatus, feed_status
from noc_console.services.team.status import BEAT_KEY, ServiceBeat


@dataclass(frozen=True, slots=True)
class BoardUpdate:
    """Rows to apply and the feeds' state. With `full`, `rows` is every open row."""

    rows: Sequence[BoardRow]
    feeds: Sequence[FeedStatus]
    full: bool = False


class BoardFeed:
    def __init__(
        self,
        store: Store,
        connectors: Sequence[Connector],
        database: Callable[[], FeedStatus | None] | None = None,
        shared: bool = False,
        labels: Mapping[str, str] | None = None,
        forecasts: ForecastService | None = None,
    ) -> None:
        """`database`: a team console's shared database's state (None: not a team
        console); `shared`: a team's database (the sync service's sources are the
        feeds); `labels`: their names on screen, by connector name (default: the name);
        `forecasts`: the breach forecast (None: none)."""
        self._store = store
        self._connectors = connectors
        self._database = database
        self.shared = shared
        self._labels = dict(labels or {})
        self.forecasts = forecasts

    def snapshot(self) -> BoardUpdate:
        """Every open incident from the cache, nearest deadline first (without forecasts:
        the first paint does not wait for the history; `reforecast` follows it)."""
        return BoardUpdate(self._store.open_rows(), self.feeds(), full=True)

    def update(self, keys: Iterable[IncidentKey]) -> BoardUpdate:
        """The rows of `keys` as they are now (closed ones included, for removal)."""
        wanted = list(keys)
        rows = self._store.rows(wanted) if wanted else []
        if self.forecasts is not None:
            rows = self.forecasts.some(rows)
        return BoardUpdate(rows, self.feeds())

    def refreshed(self, shown: Sequence[BoardRow]) -> BoardUpdate:
        """Every open row that differs from `shown` (the board's rows now), and the rows
        of those in `shown` that are no longer open: a reload that changes only what
        changed, so the board keeps its selection and scroll (no reset)."""
        current = {row.key: row for row in shown}

        def changed(row: BoardRow) -> bool:  # the forecast is the feed's, not the store's
            old = current.get(row.key)
            return old is None or replace(row, forecast=old.forecast) != old

        fresh = self._store.open_rows()
        rows: list[BoardRow] = [row for row in fresh if changed(row)]
        gone = current.keys() - {row.key for row in fresh}
        if gone:
            rows += [row for row in self._store.rows(gone) if not row.is_open]
        if self.forecasts is not None:
            rows = self.forecasts.some(rows)
        return BoardUpdate(rows, self.feeds())

    def reforecast(self, rows: Sequence[BoardRow]) -> dict[IncidentKey, BreachForecast | None]:
        """The forecasts of the open `rows` that changed since they were attached (time
        passed, queues moved); nothing without a forecast service."""
        return self.forecasts.changed(rows) if self.forecasts is not None else {}

    def actions(self, key: IncidentKey) -> list[QueuedAction]:
        """Every outbox action of one incident, oldest first."""
        return self._store.outbox(key=key)

    def detail(self, key: IncidentKey, now: datetime) -> IncidentDetail | None:
        return incident_detail(self._store, key, now)

    def service(self) -> ServiceBeat | None:
        """The sync service's last heartbeat (a shared database; else None)."""
        return ServiceBeat.from_json(self._store.meta(BEAT_KEY)) if self.shared else None

    def feeds(self) -> list[FeedStatus]:
        database = self._database() if self._database is not None else None
        if database is not None and database.state is Connectivity.OFFLINE:
            return [database]  # nothing else can be read: the last board stays, with this
        if self.shared:  # the service's sources, as it records them in the database
            store = self._store
            try:
                sources = [
                    feed_status(s.connector, self._labels.get(s.connector) or s.connector, s,
                                store.queued_count(s.connector))
                    for s in sorted(store.sync_states(), key=lambda s: s.connector)
                ]  # fmt: skip
            except StoreError:
                if self._database is None:
                    raise
                # It went away since the desk spool last looked: that says so within
                # seconds, with since when and what is kept; until then, nothing new.
                sources = []
            return [database, *sources] if database is not None else sources
        found = [
            feed_status(
                c.name, c.label, self._store.sync_state(c.name), self._store.queued_count(c.name)
            )
            for c in self._connectors
        ]
        return [database, *found] if database is not None else found
