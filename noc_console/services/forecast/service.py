"""The forecast as the board's feed uses it: the history read from the cache and kept
(rebuilt every `refresh_every`: a class's durations barely move in an hour), forecasts
attached to rows on the worker.

Reading 200,000 closed incidents and building the classes takes tens of seconds on a busy
machine, so with `background` (the app's way) it happens on a thread of its own: the
board's serial worker, which also carries every sync batch, never waits for it. Until the
first history is ready rows go without forecasts (`ready` says when); while a newer one
is read, the old one serves. Call everything else from the board's one serial worker.
"""

from __future__ import annotations

import logging
import threading
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

log = logging.getLogger(__name__)

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
        background: bool = True,
    ) -> None:
        self._store = store
        self._background = background
        self._reading: threading.Thread | None = None
        self._clock = clock
        self._window = window
        self._refresh_every = refresh_every
        self._history: History | None = None
        self._read_at: datetime | None = None
        self._queues = Queues()
        self._categories: dict[IncidentKey, str] = {}  # of the open rows, kept between passes

    def history(self, open_rows: Sequence[BoardRow] = ()) -> History | None:
        """The class durations, read again once they are `refresh_every` old (on a thread
        of its own with `background`: `None` until the first is read)."""
        now = self._clock.now()
        stale = self._read_at is None or now - self._read_at >= self._refresh_every
        if stale and self._reading is None:
            arrivals = list(open_rows)
            if not self._background:
                self._read(now, arrivals)
            else:
                self._reading = threading.Thread(
                    target=self._read, args=(now, arrivals), name="forecast-history", daemon=True
                )
                self._reading.start()
        return self._history

    def _read(self, now: datetime, open_rows: Sequence[BoardRow]) -> None:
        try:
            closed = self._store.closed_history(now - self._window)
            self._history = History.of(samples(closed, open_rows))  # one reference swap
            self._read_at = now
        except Exception:
            log.exception("reading the breach forecast's history failed; trying again later")
            self._read_at = now  # not again before refresh_every: the cache is unwell
        finally:
            self._reading = None

    @property
    def ready(self) -> bool:
        """Whether the history has been read (`some` attaches nothing before)."""
        return self._history is not None

    def all_open(self, rows: Sequence[BoardRow]) -> list[BoardRow]:
        """Every open row with its forecast; the queues are counted from these rows. The
        first call (and one every `refresh_every`) reads the history; categories are read
        only for rows the last pass did not know (a changed row's come with its batch)."""
        self._queues = Queues(rows)
        known = self._categories
        self._categories = {row.key: known[row.key] for row in rows if row.key in known}
        history = self.history(rows)
        return self._attach(history, rows) if history is not None else list(rows)

    def some(self, rows: Sequence[BoardRow]) -> list[BoardRow]:
        """A batch of changed rows with their forecasts (queues as of the last full pass);
        unchanged before the history was first read: a sync batch never waits on it."""
        if self._history is None:
            return list(rows)
        for row in rows:  # a changed row may have changed its category
            self._categories.pop(row.key, None)
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
        categories = self._categories
        missing = [row.key for row in rows if row.is_open and row.key not in categories]
        if missing:
            categories.update(self._store.categories(missing))
        return forecast_rows(history, rows, categories, self._queues, self._clock.now())
