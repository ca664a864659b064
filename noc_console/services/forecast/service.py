"""The forecast as the board's feed uses it: the history read from the cache and kept
(rebuilt every `refresh_every`: a class's durations barely move in an hour, and reading
200,000 closed incidents costs seconds), forecasts attached to rows on the worker.

Not thread-safe: call it from the board's one serial worker, like the feed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from noc_console.models.board_row import BoardRow
from noc_console.models.breach_forecast import BreachForecast
from noc_console.models.cache.store import Store
from noc_console.models.clock import Clock
from noc_console.models.incident import IncidentKey
from noc_console.services.forecast.forecaster import Queues, forecast_rows
from noc_console.services.forecast.history import History
from noc_console.services.forecast.samples import samples

#: How far back the history reaches, and how often it is read again.
HISTORY_WINDOW = timedelta(days=365)
REFRESH_EVERY = timedelta(hours=6)


class ForecastService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        window: timedelta = HISTORY_WINDOW,
        refresh_every: timedelta = REFRESH_EVERY,
    ) -> None:
        self._store = store
        self._clock = clock
        self._window = window
        self._refresh_every = refresh_every
        self._history: History | None = None
        self._read_at: datetime | None = None
        self._queues = Queues()

    def history(self, open_rows: Sequence[BoardRow] = ()) -> History:
        """The class durations, read again once they are `refresh_every` old."""
        now = self._clock.now()
        if (
            self._history is None
            or self._read_at is None
            or now - self._read_at >= self._refresh_every
        ):
            closed = self._store.closed_history(now - self._window)
            self._history = History.of(samples(closed, open_rows))
            self._read_at = now
        return self._history

    @property
    def ready(self) -> bool:
        """Whether the history has been read (`some` attaches nothing before)."""
        return self._history is not None

    def all_open(self, rows: Sequence[BoardRow]) -> list[BoardRow]:
        """Every open row with its forecast; the queues are counted from these rows. The
        first call (and one every `refresh_every`) reads the history: seconds at 200,000
        closed incidents."""
        self._queues = Queues(rows)
        return self._attach(self.history(rows), rows)

    def some(self, rows: Sequence[BoardRow]) -> list[BoardRow]:
        """A batch of changed rows with their forecasts (queues as of the last full pass);
        unchanged before the history was first read: a sync batch never waits on it."""
        if self._history is None:
            return list(rows)
        return self._attach(self._history, rows)

    def changed(self, rows: Sequence[BoardRow]) -> dict[IncidentKey, BreachForecast | None]:
        """Of every open row, those whose forecast is not what they carry (time passed,
        queues moved), with the new one: what the board's periodic pass applies."""
        fresh = self.all_open(rows)
        return {new.key: new.forecast for old, new in zip(rows, fresh, strict=True)
                if new is not old}  # fmt: skip

    def _attach(self, history: History, rows: Sequence[BoardRow]) -> list[BoardRow]:
        if not rows:
            return []
        categories = self._store.categories(row.key for row in rows if row.is_open)
        return forecast_rows(history, rows, categories, self._queues, self._clock.now())
