"""SLA due-date computations per second (DESIGN.md §5: at least 100,000 per second).

Due dates for random starts and durations of up to 60 days of business time, on
calendars with holidays and a lunch break in four zones, against a floor measured in
the same run: plain `start + duration` datetime arithmetic on the same inputs.
Run: `python -m benchmarks.bench_sla` (or `make bench`).
"""

from __future__ import annotations

import json
import random
import statistics
import sys
from datetime import UTC, datetime, time, timedelta
from time import perf_counter

from benchmarks.harness import Result
from noc_console.models.contract import DEFAULT_CALENDARS
from noc_console.models.sla import BusinessCalendar

N = 100_000
RUNS = 5
BUDGET_PER_SECOND = 100_000


def workload(seed: int = 1) -> list[tuple[BusinessCalendar, datetime, timedelta]]:
    rng = random.Random(seed)
    lunch = BusinessCalendar.with_public_holidays(
        "Asia/Kolkata",
        {d: [(time(9), time(13)), (time(14), time(18))] for d in range(5)},
        "IN",
        name="in-office",
    )
    calendars = [DEFAULT_CALENDARS[n] for n in ("uk-office", "us-east-office", "au-office")]
    calendars.append(lunch)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        (
            rng.choice(calendars),
            base + timedelta(seconds=rng.randrange(365 * 86400)),
            timedelta(seconds=rng.randrange(60 * 86400)),
        )
        for _ in range(N)
    ]


def results() -> list[Result]:
    m = measure()
    return [
        Result(
            "SLA due dates per second",
            float(m["median"]),
            float(m["floor"]),
            "per s",
            "≥ 100,000 per s",
            bool(m["within_budget"]),
        )
    ]


def measure() -> dict[str, float]:
    jobs = workload()
    for calendar, start, duration in jobs[:2000]:  # build the calendars' tables
        calendar.add_business_time(start, duration)
    engine, floor = [], []
    for _ in range(RUNS):
        t0 = perf_counter()
        for calendar, start, duration in jobs:
            calendar.add_business_time(start, duration)
        engine.append(N / (perf_counter() - t0))
        t0 = perf_counter()
        for _calendar, start, duration in jobs:
            start + duration
        floor.append(N / (perf_counter() - t0))
    median, floor_median = statistics.median(engine), statistics.median(floor)
    return {
        "metric": "SLA due dates per second",
        "median": round(median),
        "floor": round(floor_median),
        "ratio": round(floor_median / median, 2),
        "budget": BUDGET_PER_SECOND,
        "within_budget": median >= BUDGET_PER_SECOND,
    }


if __name__ == "__main__":
    result = measure()
    json.dump(result, sys.stdout, indent=2)
    print()
