"""The breach forecast where people see it: the feed attaches it from the cache's history,
the Likely to breach queue and order, the Breach column, the wall's tile."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

from noc_console.models.board_row import BoardRow
from noc_console.models.breach_forecast import BreachForecast, ClockKind
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Incident, Priority, Status, Tier
from noc_console.models.sla_clock import DEFAULT_THRESHOLDS
from noc_console.services.board.board_order import Order
from noc_console.services.board.columns import COLUMNS, Column, Look, Moment
from noc_console.services.board.feed import BoardFeed
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.board.queues import membership, queues
from noc_console.services.forecast.service import ForecastService
from noc_console.services.wall.scope import ClientScope
from noc_console.services.wall.summary import summarise
from tests.conftest import T0
from tests.factories import board_row, incident

HOUR = timedelta(hours=1)


def forecast(chance: float | None, due_in: timedelta = HOUR) -> BreachForecast:
    return BreachForecast(chance, ClockKind.RESOLUTION, T0 + due_in, "P3 at L1",
                          2 * HOUR, 6)  # fmt: skip


def with_chance(number: int, chance: float | None, due_in: timedelta = HOUR) -> BoardRow:
    return replace(board_row(number, 60), forecast=forecast(chance, due_in))


def test_the_likely_queue_holds_rows_from_even_chances_up() -> None:
    rows = [with_chance(1, 0.5), with_chance(2, 0.49), with_chance(3, None), board_row(4)]
    likely = membership(queues(None), rows, T0)["likely"]
    assert {key.external_id for key in likely} == {"T-1"}


def test_likeliest_first_orders_by_chance_then_deadline_unknown_last() -> None:
    sooner = replace(with_chance(4, 0.9), next_deadline=T0 + HOUR / 2)
    rows = [with_chance(1, 0.2), with_chance(2, 0.9), board_row(3, 10), sooner,
            with_chance(5, None)]  # fmt: skip
    live = LiveRows(T0)
    live.apply(rows, full=True)
    live.arrange(Order.LIKELY)
    assert [e.key.external_id for e in live.shown()] == ["T-4", "T-2", "T-1", "T-3", "T-5"]


def test_the_breach_column_shows_the_chance_and_its_tip_the_reason() -> None:
    spec = COLUMNS[Column.FORECAST]
    assert spec is COLUMNS[-1]  # added at the end: saved layouts keep their columns
    at = Moment(T0, DEFAULT_THRESHOLDS)
    likely = replace(with_chance(1, 0.72), resolution=board_row(1, 100).resolution)
    assert spec.cell(likely, at) == (("72%", Look.WARNING, None))
    assert spec.cell(with_chance(2, 0.85), at).look is Look.CRITICAL
    assert spec.cell(with_chance(3, 0.1), at).look is Look.PLAIN
    assert spec.cell(with_chance(4, None), at).text == "?"
    assert spec.cell(board_row(5), at).text == "—"
    assert spec.tip is not None
    assert spec.tip(likely, at) == (
        "Breach 72 % (resolution): P3 at L1, typically 2h 00m to resolve, 1h 40m left, 6 ahead"
    )


def test_the_wall_counts_likely_breaches_due_within_two_hours() -> None:
    rows = [with_chance(1, 0.8), with_chance(2, 0.8, 3 * HOUR), with_chance(3, 0.3),
            with_chance(4, 1.0, -HOUR)]  # fmt: skip
    summary = summarise(rows, T0, ClientScope(), ("overview",), queues(None), 10)
    assert summary.likely_soon == 1  # not the one due later, the unlikely one, the breached one


def ten_closed_p2s() -> list[Incident]:
    """Ten P2s at L1, resolved 1 h … 10 h after they were raised on Tuesday at 08:00 UTC:
    inside the Standard contract's office hours (08:00–18:00 UTC), so their business time
    is their wall time."""
    start = T0 - 30 * HOUR
    return [
        incident(n, priority=Priority.P2, tier=Tier.L1, status=Status.CLOSED,
                 created_at=start, updated_at=start + n * HOUR, responded_at=start,
                 resolved_at=start + n * HOUR)
        for n in range(1, 11)
    ]  # fmt: skip


def a_fresh_p2() -> Incident:
    return incident(50, priority=Priority.P2, tier=Tier.L1, created_at=T0 - HOUR / 2,
                    updated_at=T0 - HOUR / 2, responded_at=T0 - HOUR / 2)  # fmt: skip


def test_the_feed_forecasts_open_rows_from_the_closed_history(store: Store) -> None:
    store.upsert_incidents([*ten_closed_p2s(), a_fresh_p2()])
    clock = ManualClock(T0)
    feed = BoardFeed(store, [], forecasts=ForecastService(store, clock, background=False))
    assert feed.forecasts is not None
    assert not feed.forecasts.ready
    (row,) = feed.snapshot().rows
    assert row.forecast is None  # the first paint never waits for the history
    assert feed.update([row.key]).rows[0].forecast is None  # nor does a sync batch

    found = feed.reforecast([row])
    forecast = found[row.key]
    assert forecast is not None
    assert forecast.clock is ClockKind.RESOLUTION
    assert row.resolution is not None
    target_h = row.resolution.target / HOUR
    took_longer = sum(1 for n in range(1, 11) if n > 0.5)  # ran half an hour
    breached = sum(1 for n in range(1, 11) if n > target_h)
    assert forecast.probability == (breached + 0.5) / (took_longer + 1)
    assert forecast.basis == "P2 at L1"
    assert feed.update([row.key]).rows[0].forecast == forecast  # now batches carry it
    assert feed.reforecast([replace(row, forecast=forecast)]) == {}  # nothing changed


def test_in_the_background_the_history_is_read_on_a_thread_of_its_own(store: Store) -> None:
    """The board's worker never waits for the history: rows go without forecasts until
    it is read, then get them."""
    store.upsert_incidents([*ten_closed_p2s(), a_fresh_p2()])
    service = ForecastService(store, ManualClock(T0))  # background, as the app runs it
    (row,) = store.open_rows()
    first = service.all_open([row])
    assert first[0].forecast is None or service.ready  # none unless the thread was quicker
    deadline = time.monotonic() + 60
    while not service.ready and time.monotonic() < deadline:  # a condition, not a speed
        time.sleep(0.01)
    assert service.ready
    assert service.all_open([row])[0].forecast is not None


def test_a_changed_category_is_read_again_with_its_batch(store: Store) -> None:
    network = [replace(c, category="network") for c in ten_closed_p2s()]
    fresh = replace(a_fresh_p2(), category="email")
    store.upsert_incidents([*network, fresh])
    feed = BoardFeed(store, [], forecasts=ForecastService(store, ManualClock(T0), background=False))
    (row,) = feed.snapshot().rows
    first = feed.reforecast([row])[row.key]
    assert first is not None
    assert first.basis == "P2 at L1"  # no email history: priority and tier
    store.upsert_incidents([replace(fresh, category="network", version="2")])
    (moved,) = feed.update([row.key]).rows
    assert moved.forecast is not None
    assert moved.forecast.basis == "P2 network at L1"
