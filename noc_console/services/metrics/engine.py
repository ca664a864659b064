"""The metrics the Metrics view, the wall and the client report ask for.

Each call is a few SQL aggregations in the cache (`Store.tallies`) and some division;
nothing here holds state, so any thread may call it (never the GUI thread: it reads
the database).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from noc_console.models.cache.store import Store
from noc_console.models.incident import Client
from noc_console.models.tally import EMPTY, Grouping, Tally
from noc_console.services.metrics.measures import Measures
from noc_console.services.metrics.period import Period


class Step(StrEnum):
    DAY = "day"
    WEEK = "week"  # ISO weeks, Monday first
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class ClientMetrics:
    client_id: str
    name: str
    contract: str
    measures: Measures


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One day, week or month of a trend (clipped to the period asked for)."""

    period: Period
    measures: Measures
    backlog: int  # incidents open at the point's end (created before it, not resolved)


@dataclass(frozen=True, slots=True)
class MetricsSnapshot:
    """Everything the Metrics view shows for one period, from one refresh."""

    period: Period
    computed_at: datetime
    total: Measures
    clients: tuple[ClientMetrics, ...]
    daily: tuple[TrendPoint, ...]  # opened vs resolved and backlog per day
    weekly: tuple[TrendPoint, ...]  # MTTR per week
    monthly: tuple[TrendPoint, ...]  # compliance per month


def measure(
    store: Store,
    period: Period,
    now: datetime,
    by: Grouping = Grouping.CLIENT,
    client_id: str | None = None,
) -> dict[str, Measures]:
    """The measures of each group met in `period` (of one client's incidents when
    `client_id` is given). Clocks still running at `now` are not decided yet."""
    tallies = store.tallies(period.start, period.end, now, by, client_id)
    return {group: Measures(tally) for group, tally in tallies.items()}


def total(store: Store, period: Period, now: datetime, client_id: str | None = None) -> Measures:
    """The measures of every incident (or one client's) in `period`."""
    found = measure(store, period, now, Grouping.CLIENT, client_id)
    return Measures(sum((m.tally for m in found.values()), EMPTY))


def client_table(store: Store, period: Period, now: datetime) -> list[ClientMetrics]:
    """One line per known client (quiet ones with empty measures), by name."""
    return _table(store.clients(), measure(store, period, now))


def trend(
    store: Store, period: Period, now: datetime, step: Step, client_id: str | None = None
) -> list[TrendPoint]:
    """The period cut into days, ISO weeks or months, each with its measures and backlog."""
    daily = store.tallies(period.start, period.end, now, Grouping.DAY, client_id)
    opening = store.backlog_at(period.start, client_id)
    return _points(period, step, daily, opening)


def snapshot(store: Store, period: Period, now: datetime) -> MetricsSnapshot:
    """A full refresh of the Metrics view (one read per grouping, the rest arithmetic)."""
    by_client = measure(store, period, now)
    daily = store.tallies(period.start, period.end, now, Grouping.DAY)
    opening = store.backlog_at(period.start)
    return MetricsSnapshot(
        period=period,
        computed_at=now,
        total=Measures(sum((m.tally for m in by_client.values()), EMPTY)),
        clients=tuple(_table(store.clients(), by_client)),
        daily=tuple(_points(period, Step.DAY, daily, opening)),
        weekly=tuple(_points(period, Step.WEEK, daily, opening)),
        monthly=tuple(_points(period, Step.MONTH, daily, opening)),
    )


def _table(clients: Sequence[Client], found: dict[str, Measures]) -> list[ClientMetrics]:
    known = {c.id: c for c in clients}
    lines = [ClientMetrics(c.id, c.name, c.contract, found.get(c.id, Measures())) for c in clients]
    # Incidents of a client the cache has no record of still count, under their id.
    lines += [ClientMetrics(i, i, "", m) for i, m in found.items() if i not in known]
    return sorted(lines, key=lambda line: (line.name.casefold(), line.client_id))


def _points(period: Period, step: Step, daily: dict[str, Tally], opening: int) -> list[TrendPoint]:
    """Days summed into buckets; each bucket's backlog is the one at its last day's end."""
    buckets: list[tuple[date, Tally, int]] = []
    backlog = opening
    for day in period.days():
        tally = daily.get(day.isoformat(), EMPTY)
        backlog += tally.opened - tally.resolved
        first = _bucket(day, step)
        if buckets and buckets[-1][0] == first:
            buckets[-1] = (first, buckets[-1][1] + tally, backlog)
        else:
            buckets.append((first, tally, backlog))
    return [_point(period, step, first, tally, end) for first, tally, end in buckets]


def _point(period: Period, step: Step, first: date, tally: Tally, backlog: int) -> TrendPoint:
    start = datetime.combine(first, time(0), UTC)
    span = Period(max(start, period.start), min(_next(first, step), period.end))
    return TrendPoint(span, Measures(tally), backlog)


def _bucket(day: date, step: Step) -> date:
    if step is Step.WEEK:
        return day - timedelta(days=day.weekday())
    if step is Step.MONTH:
        return day.replace(day=1)
    return day


def _next(first: date, step: Step) -> datetime:
    if step is Step.DAY:
        after = first + timedelta(days=1)
    elif step is Step.WEEK:
        after = first + timedelta(days=7)
    else:
        after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return datetime.combine(after, time(0), UTC)
