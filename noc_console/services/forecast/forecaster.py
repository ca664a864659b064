"""The chance each running clock breaches, from its class's history conditioned on the
time it has already run and on the queue ahead of it.

For a clock that has run `e` business seconds with `r` left, among the class's incidents
that ran at least `e` (`n` of them), those that ran longer than `e + r` (`k`) would have
breached in its place: the chance is `(k + ½) / (n + 1)` — the empirical share,
pulled a little towards ½ so a thin history never claims certainty. The class asked is
the finest with at least `MIN_SAMPLES` such incidents (priority + category + tier, then
priority + tier, then priority), its busy or quiet half by the queue when that half has
enough. More time left never raises the chance (`k` only falls as `r` grows); a clock
already past due is 1.0; a clock whose class has no history, or fewer than
`MIN_EVIDENCE` incidents that ran as long as it has (in every class), gets no number: the
history says too little of it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from noc_console.models.board_row import BoardRow
from noc_console.models.breach_forecast import BreachForecast, ClockKind
from noc_console.models.incident import IncidentKey, Priority, Tier
from noc_console.models.sla_clock import SlaClock
from noc_console.services.forecast.history import ClassHistory, Durations, History
from noc_console.services.forecast.samples import clocks

#: Fewer past incidents that ran as long as this clock has: ask a coarser class.
MIN_SAMPLES = 20
#: Fewer than this in every class: no number (one or two past incidents are an anecdote).
MIN_EVIDENCE = 5


def clock_forecast(
    history: History,
    kind: ClockKind,
    priority: Priority,
    category: str,
    tier: Tier,
    clock: SlaClock,
    ahead: int,
    now: datetime,
) -> BreachForecast:
    """The chance `clock` (running) breaches, seen at `now` with `ahead` older incidents
    open in its tier."""
    left = clock.remaining(now).total_seconds()
    if left <= 0 or now >= clock.due_at:
        where = f"{priority.value} at {tier.value}"
        return BreachForecast(1.0, kind, clock.due_at, where, timedelta(0), ahead)
    classes = history.candidates(kind, priority, category, tier)
    if not classes:
        why = f"no forecast: no closed history of {priority.value} at {tier.value} yet"
        return BreachForecast(None, kind, clock.due_at, why, None, ahead)
    ran = clock.target.total_seconds() - left  # business_seconds_used, without a 2nd reading
    chosen, durations = _choose(classes, ran, ahead)
    # At least, not longer: a clock that has not run yet (opened out of hours) may still
    # stop at 0, as many did (answered overnight, before the calendar opened).
    took_longer = durations.at_least(ran)
    if took_longer < MIN_EVIDENCE:
        how_many = f"only {took_longer}" if took_longer else "none"
        why = f"no forecast: {how_many} of the {len(durations)} {chosen.label} before ran this long"
        return BreachForecast(None, kind, clock.due_at, why, None, ahead)
    breached = durations.longer_than(ran + left)
    return BreachForecast(
        (breached + 0.5) / (took_longer + 1),
        kind,
        clock.due_at,
        chosen.label,
        timedelta(seconds=durations.typical),
        ahead,
    )


def _choose(
    classes: Sequence[ClassHistory], ran: float, ahead: int
) -> tuple[ClassHistory, Durations]:
    """The finest class (and queue half) with `MIN_SAMPLES` incidents that ran at least
    `ran`; failing that, the finest class with `MIN_EVIDENCE`, else the finest (which
    then has too few: no forecast)."""
    for candidate in classes:
        half = candidate.for_queue(ahead)
        if half.at_least(ran) >= MIN_SAMPLES:
            return candidate, half
        if candidate.all.at_least(ran) >= MIN_SAMPLES:
            return candidate, candidate.all
    for candidate in classes:
        if candidate.all.at_least(ran) >= MIN_EVIDENCE:
            return candidate, candidate.all
    return classes[0], classes[0].all


def row_forecast(
    history: History, row: BoardRow, category: str, ahead: int, now: datetime
) -> BreachForecast | None:
    """The riskier running clock of `row` (paused and stopped clocks do not run); a
    forecast without a probability when no running clock's class has history; `None`
    when no clock runs."""
    best: BreachForecast | None = None
    for kind, clock in clocks(row):
        if clock is None or not clock.running:
            continue
        found = clock_forecast(history, kind, row.priority, category, row.tier, clock, ahead, now)
        if best is None or _rank(found) > _rank(best):
            best = found
    return best


def _rank(forecast: BreachForecast) -> float:
    return -1.0 if forecast.probability is None else forecast.probability


class Queues:
    """How many older incidents are open in each tier: the arrival times of the open rows
    of the last full pass, per tier, sorted (a row that arrived since counts them all)."""

    def __init__(self, rows: Sequence[BoardRow] = ()) -> None:
        arrivals: dict[Tier, list[datetime]] = defaultdict(list)
        for row in rows:
            arrivals[row.tier].append(row.created_at)
        self._arrivals = {tier: sorted(times) for tier, times in arrivals.items()}

    def ahead(self, row: BoardRow) -> int:
        return bisect_left(self._arrivals.get(row.tier, []), row.created_at)


def forecast_rows(
    history: History,
    rows: Sequence[BoardRow],
    categories: Mapping[IncidentKey, str],
    queues: Queues,
    now: datetime,
) -> list[BoardRow]:
    """`rows` with their forecasts attached (closed rows keep none)."""
    result = []
    for row in rows:
        found = None
        if row.is_open:
            found = row_forecast(history, row, categories.get(row.key, ""), queues.ahead(row), now)
        result.append(row if _same(found, row.forecast) else replace(row, forecast=found))
    return result


def _same(new: BreachForecast | None, old: BreachForecast | None) -> bool:
    """Equal as the board shows it: the same whole percent, clock and basis (a chance
    that moved by a hundredth of a percent does not make a row change). Field by field:
    `dataclasses.replace` twice per row was a fifth of a pass over 10,000."""
    if new is None or old is None:
        return new is old
    return (
        _percent(new) == _percent(old)
        and new.clock is old.clock
        and new.due_at == old.due_at
        and new.basis == old.basis
        and new.typical == old.typical
        and new.ahead == old.ahead
    )


def _percent(forecast: BreachForecast) -> float | None:
    p = forecast.probability
    return None if p is None else round(p * 100)
