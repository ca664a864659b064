"""How well calibrated the breach forecast is, and what it costs, on the benchmark history.

`python -m benchmarks.forecast_calibration [--split random|newest]` builds (or reuses) the
benchmark cache (300 clients, 10,000 open and 200,000 closed incidents:
benchmarks/dataset.py), holds out a fifth of the closed incidents (a seeded random fifth,
or the newest fifth by arrival), learns the class durations from the rest,
and replays the board over the held-out clocks: each is forecast at every instant of a
grid (15 minutes apart for response clocks, 12 hours for resolution ones, seeded phase)
while it ran and was not yet due — the moments a desk would have looked. The outcome is
whether that clock did breach. It prints the Brier score (against the base rate's, the
score of always saying the training share of breaches), the reliability per decile of
forecast probability, and the costs the board pays: reading the history and building the
classes (rare), and a forecast of every open incident (every minute, on the worker).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from time import perf_counter

from benchmarks.dataset import NOW, populated_cache
from noc_console.models.board_row import BoardRow
from noc_console.models.breach_forecast import ClockKind
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.services.forecast.forecaster import clock_forecast
from noc_console.services.forecast.history import History
from noc_console.services.forecast.samples import arrivals_ahead, clocks, samples
from noc_console.services.forecast.service import ForecastService

HELD_OUT = 0.2
SEED = 22


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: ClockKind
    probability: float
    breached: bool


#: The instants the board is replayed at, per clock: every clock running (and not yet due)
#: at one of them is forecast there, as a board open then would have shown it.
EVERY = {ClockKind.RESPONSE: timedelta(minutes=15), ClockKind.RESOLUTION: timedelta(hours=12)}


def held_out_outcomes(
    history: History, test: Sequence[tuple[BoardRow, str]], ahead: Sequence[int]
) -> list[Outcome]:
    """Each held-out clock forecast at every instant of a grid (seeded phase, `EVERY`
    apart) at which it ran and was not yet due. A grid, not one instant per clock: a board
    sees a clock at as many moments as it runs, so long-running clocks weigh more, and a
    forecast conditioned on "still running" is judged on the clocks still running."""
    rng = random.Random(SEED)
    phase = {kind: every * rng.random() for kind, every in EVERY.items()}
    found: list[Outcome] = []
    for (row, category), queued in zip(test, ahead, strict=True):
        for kind, clock in clocks(row):
            if clock is None or clock.stopped_at is None:
                continue
            every, end = EVERY[kind], min(clock.stopped_at, clock.due_at)
            step = -((_EPOCH - row.created_at + phase[kind]) // every)  # first grid point
            at = _EPOCH + phase[kind] + step * every
            live = replace(clock, stopped_at=None)
            breached = clock.stopped_at > clock.due_at
            while at < end:
                forecast = clock_forecast(
                    history, kind, row.priority, category, row.tier, live, queued, at
                )
                if forecast.probability is not None:
                    found.append(Outcome(kind, forecast.probability, breached))
                at += every
    return found


_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


def brier(outcomes: Sequence[Outcome]) -> float:
    return sum((o.probability - o.breached) ** 2 for o in outcomes) / len(outcomes)


def reliability(outcomes: Sequence[Outcome]) -> list[str]:
    """Per decile of forecast probability: how many, the mean forecast, the share that
    breached."""
    lines = ["  decile      n   forecast  observed"]
    for decile in range(10):
        low, high = decile / 10, (decile + 1) / 10
        members = [
            o
            for o in outcomes
            if low <= o.probability < high or (decile == 9 and o.probability == 1.0)
        ]
        if not members:
            lines.append(f"  {low:.1f}–{high:.1f}  {0:>6}         —         —")
            continue
        mean = sum(o.probability for o in members) / len(members)
        observed = sum(o.breached for o in members) / len(members)
        lines.append(f"  {low:.1f}–{high:.1f}  {len(members):>6}   {mean:7.3f}   {observed:7.3f}")
    return lines


def report(name: str, outcomes: Sequence[Outcome], base_rate: float) -> list[str]:
    if not outcomes:
        return [f"{name}: no held-out clocks"]
    base = sum((base_rate - o.breached) ** 2 for o in outcomes) / len(outcomes)
    breached = sum(o.breached for o in outcomes) / len(outcomes)
    return [
        f"{name}: {len(outcomes):,} held-out clocks, {breached:.1%} breached",
        f"  Brier score {brier(outcomes):.4f} (base rate {base_rate:.3f} scores {base:.4f})",
        *reliability(outcomes),
    ]


def split(
    closed: list[tuple[BoardRow, str]], how: str
) -> tuple[list[tuple[BoardRow, str]], list[tuple[BoardRow, str]]]:
    """Learnt and held out, each in order of arrival. The generator resolves a closed
    incident at a uniform instant between its arrival and the dataset's "now", so the
    newest incidents took less time than older ones: `newest` measures that drift too."""
    closed.sort(key=lambda item: item[0].created_at)
    if how == "newest":
        cut = int(len(closed) * (1 - HELD_OUT))
        return closed[:cut], closed[cut:]
    rng = random.Random(SEED)
    chosen = [rng.random() < HELD_OUT for _ in closed]
    learnt = [item for item, out in zip(closed, chosen, strict=True) if not out]
    return learnt, [item for item, out in zip(closed, chosen, strict=True) if out]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("random", "newest"), default="random")
    how = parser.parse_args().split
    path = populated_cache()
    store = Store.open(f"sqlite:///{path}")
    started = perf_counter()
    closed = list(store.closed_history(NOW - timedelta(days=400)))
    read_s = perf_counter() - started
    open_rows = store.open_rows()
    train, test = split(closed, how)
    started = perf_counter()
    history = History.of(samples(train, open_rows))
    build_s = perf_counter() - started
    rows = [row for row, _ in closed]
    queued = dict(zip((row.key for row in rows), arrivals_ahead(rows, open_rows), strict=True))
    outcomes = held_out_outcomes(history, test, [queued[row.key] for row, _ in test])
    which = "the newest" if how == "newest" else "a random"
    print(f"history: {len(train):,} closed incidents learnt, {len(test):,} held out "
          f"({which} {HELD_OUT:.0%}); {len(history.classes)} classes")  # fmt: skip
    for kind in ClockKind:
        mine = [o for o in outcomes if o.kind is kind]
        share = _breach_share(train, kind)
        print("\n".join(report(f"{kind.value} clocks", mine, share)), end="\n\n")
    print("\n".join(report("all clocks", outcomes, _breach_share(train, None))), end="\n\n")
    print(_costs(store, open_rows, read_s, build_s))
    store.close()
    return 0


def _breach_share(rows: Sequence[tuple[BoardRow, str]], kind: ClockKind | None) -> float:
    stopped = [
        clock
        for row, _ in rows
        for k, clock in clocks(row)
        if clock is not None and clock.stopped_at is not None and kind in (None, k)
    ]
    late = sum(
        1 for clock in stopped if clock.stopped_at is not None and clock.stopped_at > clock.due_at
    )
    return late / len(stopped) if stopped else 0.0


def _costs(store: Store, open_rows: list[BoardRow], read_s: float, build_s: float) -> str:
    clock = ManualClock(NOW)
    service = ForecastService(store, clock, background=False)  # timed here, not on a thread
    started = perf_counter()
    service.history(open_rows)
    refresh_s = perf_counter() - started
    passes: list[float] = []
    rows = open_rows
    for minute in range(5):
        clock.set(NOW + timedelta(minutes=minute))
        started = perf_counter()
        rows = service.all_open(rows)
        passes.append(perf_counter() - started)
    likely = sum(1 for row in rows if row.forecast is not None and row.forecast.likely)
    passes.sort()
    return (
        f"costs: reading the closed history {read_s:.2f} s, building the classes {build_s:.2f} s "
        f"(the service's refresh, both: {refresh_s:.2f} s, every 6 h);\n"
        f"  forecasting all {len(open_rows):,} open incidents: median {passes[2] * 1000:.0f} ms "
        f"(min {passes[0] * 1000:.0f}, max {passes[-1] * 1000:.0f}) per pass; "
        f"{likely:,} likely to breach at {_when(clock.now())}"
    )


def _when(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC"


if __name__ == "__main__":
    sys.exit(main())
