"""The breach forecast over hand-built histories whose answers are counted by hand, and
its properties over generated ones."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from noc_console.models.board_row import BoardRow
from noc_console.models.breach_forecast import ClockKind
from noc_console.models.incident import IncidentKey, Priority, Status, Tier
from noc_console.models.sla_clock import SlaClock
from noc_console.services.forecast.forecaster import (
    MIN_EVIDENCE,
    MIN_SAMPLES,
    Queues,
    clock_forecast,
    forecast_rows,
    row_forecast,
)
from noc_console.services.forecast.history import History
from noc_console.services.forecast.samples import Sample, samples
from tests.conftest import T0
from tests.factories import board_row

HOUR = timedelta(hours=1)
TARGET = 4 * HOUR


def closed(number: int, took: timedelta, created: datetime = T0 - 30 * HOUR,
           priority: Priority = Priority.P2, tier: Tier = Tier.L1) -> BoardRow:  # fmt: skip
    """A closed incident whose 4 h resolution clock ran `took` (24x7) before it stopped."""
    clock = SlaClock(created + TARGET, TARGET, stopped_at=created + took)
    return board_row(number, status=Status.CLOSED, priority=priority, tier=tier,
                     created_at=created, updated_at=created + took, resolution=clock)  # fmt: skip


def running(ran: timedelta, target: timedelta = TARGET, **fields: object) -> BoardRow:
    """An open incident whose resolution clock has run `ran` of `target` at T0."""
    created = T0 - ran
    clock = SlaClock(created + target, target)
    values: dict[str, object] = {"priority": Priority.P2, "tier": Tier.L1, "created_at": created,
                                 "resolution": clock, "next_deadline": clock.due_at}  # fmt: skip
    values.update(fields)
    return replace(board_row(999), **values)  # type: ignore[arg-type]


def history_of(hours: list[float], category: str = "") -> History:
    rows = [(closed(n, timedelta(hours=h)), category) for n, h in enumerate(hours)]
    return History.of(samples(rows))


TEN = [float(h) for h in range(1, 11)]  # resolved after 1 h, 2 h … 10 h


def test_the_chance_is_the_share_of_those_that_ran_as_long_that_breached() -> None:
    # Ran 3 h, 1 h left: 8 of the ten ran at least 3 h (3 h … 10 h), 6 of them past 4 h.
    found = row_forecast(history_of(TEN), running(3 * HOUR), "", 0, T0)
    assert found is not None
    assert found.clock is ClockKind.RESOLUTION
    assert found.probability == pytest.approx((6 + 0.5) / (8 + 1))
    assert found.reason(HOUR) == "P2 at L1, typically 5h 00m to resolve, 1h 00m left, 0 ahead"


def test_time_already_spent_changes_the_answer() -> None:
    # Just opened with the whole 4 h left: 6 of the ten took longer than 4 h.
    fresh = row_forecast(history_of(TEN), running(timedelta(0)), "", 0, T0)
    assert fresh is not None
    assert fresh.probability == pytest.approx(6.5 / 11)
    # Ran 3h59m with a minute left: of the 7 still going at 3h59m, 6 went past 4 h.
    late = row_forecast(history_of(TEN), running(4 * HOUR - timedelta(minutes=1)), "", 0, T0)
    assert late is not None
    assert late.probability == pytest.approx(6.5 / 8)


def test_a_clock_not_started_counts_those_that_stopped_at_zero() -> None:
    # Six were answered out of hours (0 business seconds), four took 5 h. A clock opened
    # tonight has run nothing yet: it may well be one of the six.
    history = history_of([0.0] * 6 + [5.0] * 4)
    found = row_forecast(history, running(timedelta(0)), "", 0, T0)
    assert found is not None
    assert found.probability == pytest.approx((4 + 0.5) / (10 + 1))


def test_a_clock_past_due_is_certain() -> None:
    found = row_forecast(history_of(TEN), running(5 * HOUR), "", 3, T0)
    assert found is not None
    assert found.probability == 1.0
    assert found.reason(-HOUR) == "P2 at L1: resolution past due"


def test_no_history_means_no_forecast_and_says_so() -> None:
    found = row_forecast(History.of([]), running(HOUR), "", 0, T0)
    assert found is not None
    assert found.probability is None
    assert not found.likely
    assert found.reason(HOUR) == "no forecast: no closed history of P2 at L1 yet"


def test_a_clock_that_outran_nearly_every_one_before_gets_no_number_and_says_so() -> None:
    # Ran 6h 30m: of the ten, only four (7 h … 10 h) ran that long — an anecdote.
    found = row_forecast(history_of(TEN), running(6.5 * HOUR, 8 * HOUR), "", 0, T0)
    assert found is not None
    assert found.probability is None
    assert found.reason(HOUR) == "no forecast: only 4 of the 10 P2 at L1 before ran this long"
    past_all = row_forecast(history_of(TEN), running(11 * HOUR, 12 * HOUR), "", 0, T0)
    assert past_all is not None
    assert past_all.reason(HOUR) == "no forecast: none of the 10 P2 at L1 before ran this long"


def test_another_priority_history_says_nothing_of_this_one() -> None:
    rows = [(closed(n, timedelta(hours=h), priority=Priority.P4), "") for n, h in enumerate(TEN)]
    found = row_forecast(History.of(samples(rows)), running(HOUR), "", 0, T0)
    assert found is not None
    assert found.probability is None


def test_paused_and_stopped_clocks_get_no_forecast() -> None:
    row = running(HOUR)
    assert row.resolution is not None
    paused = replace(row, resolution=replace(row.resolution, paused_since=T0 - HOUR / 2))
    assert row_forecast(history_of(TEN), paused, "", 0, T0) is None


def test_the_riskier_clock_speaks_for_the_row() -> None:
    responses = [closed(n, timedelta(minutes=10)) for n in range(5)]
    rows = [(replace(r, response=r.resolution, resolution=None), "") for r in responses]
    history = History.of(samples([*rows, *((closed(9 + n, timedelta(hours=h)), "")
                                           for n, h in enumerate(TEN))]))  # fmt: skip
    row = running(3 * HOUR, response=SlaClock(T0 + HOUR, TARGET))
    found = row_forecast(history, row, "", 0, T0)
    assert found is not None
    assert found.clock is ClockKind.RESOLUTION
    assert found.probability == pytest.approx(6.5 / 9)


def test_a_category_with_enough_history_is_asked_first() -> None:
    # The network ones all took 10 h; the others 1 h. With enough network history, a
    # network incident is judged by it alone.
    quick = [(closed(n, HOUR), "email") for n in range(MIN_SAMPLES)]
    slow = [(closed(100 + n, 10 * HOUR), "network") for n in range(MIN_SAMPLES)]
    history = History.of(samples([*quick, *slow]))
    network = row_forecast(history, running(HOUR / 2), "network", 0, T0)
    assert network is not None
    assert network.probability == pytest.approx(20.5 / 21)
    assert network.reason(HOUR).startswith("P2 network at L1, typically 10h 00m")
    # A category with no history of its own: priority and tier, all 40 of them.
    other = row_forecast(history, running(HOUR / 2), "printing", 0, T0)
    assert other is not None
    assert other.probability == pytest.approx(20.5 / 41)
    assert other.reason(HOUR).startswith("P2 at L1, typically 1h 00m")


def test_a_long_queue_is_judged_by_incidents_that_met_one() -> None:
    # Samples built directly: those that arrived to an empty queue took 1 h, those
    # that arrived behind 10 others took 6 h.
    def sample(hours: float, ahead: int) -> Sample:
        return Sample(ClockKind.RESOLUTION, Priority.P2, "", Tier.L1, hours * 3600, ahead)

    history = History.of([sample(1, 0)] * MIN_SAMPLES + [sample(6, 10)] * MIN_SAMPLES)
    quiet = row_forecast(history, running(timedelta(0)), "", 0, T0)
    busy = row_forecast(history, running(timedelta(0)), "", 12, T0)
    assert quiet is not None
    assert quiet.probability == pytest.approx(0.5 / 21)
    assert busy is not None
    assert busy.probability == pytest.approx(20.5 / 21)
    assert busy.reason(TARGET).endswith("4h 00m left, 12 ahead")


def test_older_open_incidents_of_the_same_tier_are_ahead() -> None:
    rows = [board_row(n, created_at=T0 - n * HOUR, tier=Tier.L1) for n in range(1, 7)]
    rows.append(board_row(50, created_at=T0 - 50 * HOUR, tier=Tier.L2))
    queues = Queues(rows)
    assert [queues.ahead(r) for r in rows] == [5, 4, 3, 2, 1, 0, 0]  # the oldest has none
    assert queues.ahead(board_row(60, created_at=T0, tier=Tier.L1)) == 6


def test_the_queue_a_closed_incident_met_is_counted_at_its_arrival() -> None:
    first = closed(1, 2 * HOUR, created=T0 - 10 * HOUR)  # open 10 h … 8 h ago
    second = closed(2, 2 * HOUR, created=T0 - 9 * HOUR)  # arrives while the first is open
    third = closed(3, HOUR, created=T0 - 5 * HOUR)  # both gone by then
    still_open = running(20 * HOUR)  # arrived 20 h ago, still open: ahead of all three
    found = samples([(first, ""), (second, ""), (third, "")], [still_open])
    assert [s.ahead for s in found] == [1, 2, 1]


def test_rows_keep_their_identity_when_the_forecast_shows_the_same() -> None:
    history = history_of(TEN)
    minute = timedelta(minutes=1)
    rows = forecast_rows(history, [running(3 * HOUR)], {}, Queues(), T0 + minute)
    again = forecast_rows(history, rows, {}, Queues(), T0 + minute + timedelta(seconds=5))
    assert again[0] is rows[0]  # the same whole percent: the row did not change
    later = forecast_rows(history, rows, {}, Queues(), T0 + 90 * timedelta(minutes=1))
    assert later[0] is not rows[0]
    assert later[0].forecast != rows[0].forecast


# ------------------------------------------------------------------ properties
durations = st.lists(st.floats(min_value=0, max_value=20 * 3600), min_size=1, max_size=60)
seconds = st.integers(min_value=0, max_value=20 * 3600)  # whole: timedelta keeps them exact


def _history(values: list[float], aheads: list[int]) -> History:
    return History.of(
        Sample(ClockKind.RESOLUTION, Priority.P2, "", Tier.L1, took, aheads[i % len(aheads)])
        for i, took in enumerate(values)
    )


def _chance(history: History, ran: int, left: int, ahead: int) -> float | None:
    clock = SlaClock(T0 + timedelta(seconds=left), timedelta(seconds=ran + left))
    found = clock_forecast(history, ClockKind.RESOLUTION, Priority.P2, "", Tier.L1, clock,
                           ahead, T0)  # fmt: skip
    return found.probability


aheads = st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=5)


@given(durations, aheads, seconds, seconds, st.integers(min_value=0, max_value=60))
def test_the_chance_is_a_probability(
    values: list[float], queue: list[int], ran: int, left: int, ahead: int
) -> None:
    p = _chance(_history(values, queue), ran, left, ahead)
    evidence = sum(1 for took in values if took >= ran)
    assert (p is None) == (left > 0 and evidence < MIN_EVIDENCE)  # too few ran as long
    assert p is None or 0.0 <= p <= 1.0


@given(durations, aheads, seconds, seconds, seconds, st.integers(min_value=0, max_value=60))
def test_more_time_left_never_raises_the_chance(
    values: list[float], queue: list[int], ran: int, left: int, more: int, ahead: int
) -> None:
    history = _history(values, queue)
    tight = _chance(history, ran, left, ahead)
    loose = _chance(history, ran, left + more, ahead)
    assert (tight is None) == (loose is None) or left == 0  # past due is 1.0 regardless
    if tight is not None and loose is not None:
        assert loose <= tight


@given(durations, aheads, seconds, st.integers(min_value=0, max_value=10 * 3600))
def test_a_breached_clock_is_certain(
    values: list[float], queue: list[int], ran: int, over: int
) -> None:
    assert _chance(_history(values, queue), ran + over, -over, 0) == 1.0


@given(seconds, seconds)
def test_no_history_never_gives_a_number(ran: int, left: int) -> None:
    assert _chance(History.of([]), ran, left, 0) is None or left <= 0


def test_keys_tell_incidents_apart() -> None:
    assert running(HOUR).key == IncidentKey("test", "T-999")
