"""Sync throughput from the demo feed into a fresh SQLite cache (incidents per second).

The simulation is advanced first (its cost is not the sync's); then one full sync of
every incident it holds is timed, median of several runs into new caches.
Run: `python -m benchmarks.bench_sync_demo`.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import perf_counter

from noc_console.connectors.demo.feed import DemoFeed
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.services.sync import SyncService

RUNS = 3


def measure() -> dict[str, object]:
    clock = ManualClock(datetime(2026, 11, 25, 14, tzinfo=UTC))
    feed = DemoFeed(clock, history=timedelta(hours=12), arrivals_per_hour=600)
    total = sum(len(page.incidents) for page in feed.fetch_changed(None))  # run the simulation
    rates = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as folder:
            store = Store.open(f"sqlite:///{Path(folder) / 'cache.sqlite3'}")
            started = perf_counter()
            result = SyncService(feed, store, clock).sync_once()
            rates.append(len(result.changes.upserted) / (perf_counter() - started))
            store.close()
    return {
        "metric": "demo sync into a new cache",
        "incidents": total,
        "median_per_second": round(statistics.median(rates)),
    }


if __name__ == "__main__":
    json.dump(measure(), sys.stdout, indent=2)
    print()
