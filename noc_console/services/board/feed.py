"""What the board reads from the engine: a snapshot to start from, then rows by key.

Every call touches the database and must run on the GUI's serial worker thread; the
results are frozen values safe to hand to the GUI.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from noc_console.connectors.base import Connector
from noc_console.models.actions import QueuedAction
from noc_console.models.board_row import BoardRow
from noc_console.models.breach_forecast import BreachForecast
from noc_console.models.cache.store import Store
from noc_console.models.incident import IncidentKey
from noc_console.services.board.incident_detail import IncidentDetail, incident_detail
from noc_console.services.forecast.service import ForecastService
from noc_console.services.sources.connectivity import FeedStatus, feed_status


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
        forecasts: ForecastService | None = None,
    ) -> None:
        self._store = store
        self._connectors = connectors
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

    def reforecast(self, rows: Sequence[BoardRow]) -> dict[IncidentKey, BreachForecast | None]:
        """The forecasts of the open `rows` that changed since they were attached (time
        passed, queues moved); nothing without a forecast service."""
        return self.forecasts.changed(rows) if self.forecasts is not None else {}

    def actions(self, key: IncidentKey) -> list[QueuedAction]:
        """Every outbox action of one incident, oldest first."""
        return self._store.outbox(key=key)

    def detail(self, key: IncidentKey, now: datetime) -> IncidentDetail | None:
        return incident_detail(self._store, key, now)

    def feeds(self) -> list[FeedStatus]:
        return [
            feed_status(
                c.name, c.label, self._store.sync_state(c.name), self._store.queued_count(c.name)
            )
            for c in self._connectors
        ]
