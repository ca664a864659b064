"""Correlation over 10,000 open incidents (issue 21: it must stay cheap).

Two shapes: a board's usual spread (10,000 open incidents created over two weeks) and a
storm (all 10,000 within one hour, so every cluster stays open while the rest arrive).
Titles, clients and categories are the labelled corpus's, repeated with new keys and
times. Floor, in the same run: sorting the arrivals by time and splitting every title
into lowercased words — the least any correlation does.
Run: `python -m benchmarks.bench_correlation`.
"""

from __future__ import annotations

import random
import statistics
import sys
from collections.abc import Callable
from datetime import timedelta
from time import perf_counter

from noc_console.models.incident import IncidentKey
from noc_console.services.correlation import Arrival, correlate
from tests.data.correlation_corpus import load

N = 10_000
RUNS = 5


def arrivals(span: timedelta, seed: int = 1) -> list[Arrival]:
    rng = random.Random(seed)
    corpus = [item.arrival for item in load()]
    start = corpus[0].created_at
    seconds = int(span.total_seconds())
    return [
        Arrival(
            IncidentKey("bench", str(n)),
            f"{a.client_id}-{rng.randrange(15)}",
            a.client_name,
            a.title,
            start + timedelta(seconds=rng.randrange(seconds)),
            a.category,
        )
        for n, a in ((n, rng.choice(corpus)) for n in range(N))
    ]


def _floor(items: list[Arrival]) -> None:
    for item in sorted(items, key=lambda a: (a.created_at, a.key)):
        item.title.lower().split()


def _median_ms(work: Callable[[list[Arrival]], object], items: list[Arrival]) -> float:
    times = []
    for _ in range(RUNS):
        began = perf_counter()
        work(items)
        times.append((perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> int:
    for name, span in (("two weeks", timedelta(days=14)), ("storm, one hour", timedelta(hours=1))):
        items = arrivals(span)
        ours = _median_ms(correlate, items)
        floor = _median_ms(_floor, items)
        groups = correlate(items)
        print(
            f"{N} open, {name}: correlate {ours:.0f} ms, floor {floor:.0f} ms "
            f"({ours / floor:.1f}x); {len(groups)} groups"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
