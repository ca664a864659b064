"""A full metrics refresh for all 300 clients (DESIGN.md §5: ≤ 3× one SQL GROUP BY).

Over the benchmark dataset (10,000 open and 200,000 closed incidents across the past
year), two refreshes: `services.metrics.client_table` (every client's measures) and
`snapshot` (what the Metrics view asks for on its worker: the table, the total, and
opened/resolved/backlog per day, MTTR per week, compliance per month), each against a
floor measured in the same run: the same sums and
counts per client (of the same stored columns) as ONE `GROUP BY client_id` query over
the incidents table on the bare sqlite3 driver (no SQLAlchemy, no trend by day, no
history, no recurrence window).
Two periods: the whole year (every incident) and the last 30 days (the view's default).
Run: `python -m benchmarks.bench_metrics` (or `make bench`); `--no-indexes` measures a
copy of the dataset without migration 0012's indexes (the "before").
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from benchmarks.dataset import NOW, populated_cache
from benchmarks.harness import Result, median, timed
from noc_console.models.cache.store import Store
from noc_console.services.metrics import Period, client_table, snapshot

RUNS = 5
RATIO_BUDGET = 3.0

FLOOR = """
SELECT client_id,
  SUM(created_at >= :start AND created_at < :end),
  SUM(COALESCE(responded_at, resolved_at) >= :start AND COALESCE(responded_at, resolved_at) < :end),
  SUM(CASE WHEN COALESCE(responded_at, resolved_at) >= :start THEN response_wall_s END),
  SUM(COALESCE(responded_at, resolved_at) <= response_due),
  SUM(COALESCE(responded_at, resolved_at) > response_due),
  SUM(resolved_at >= :start AND resolved_at < :end),
  SUM(CASE WHEN resolved_at >= :start THEN resolution_wall_s END),
  SUM(resolution_business_s), COUNT(resolution_business_s),
  SUM(resolved_at <= resolution_due), SUM(resolved_at > resolution_due),
  SUM(resolved_at IS NOT NULL AND tier = 'L1')
FROM incidents
WHERE created_at >= :start OR resolved_at >= :start OR responded_at >= :start
GROUP BY client_id
"""

PERIODS = {"year": Period.last_days(NOW, 366), "30 days": Period.last_days(NOW, 30)}
INDEXES = ("ix_incidents_resolved_at", "ix_incidents_responded_at", "ix_incidents_recurrence")


def floor(path: Path, period: Period) -> float:
    connection = sqlite3.connect(path)
    try:
        start = period.start.isoformat(" ", "microseconds")[:26]
        end = period.end.isoformat(" ", "microseconds")[:26]
        return timed(lambda: connection.execute(FLOOR, {"start": start, "end": end}).fetchall())
    finally:
        connection.close()


def measure(path: Path | None = None) -> dict[str, dict[str, float]]:
    """Per period: the medians (ms) of the client table alone, of the full snapshot and of
    the floor, and each one's ratio to the floor."""
    path = path or populated_cache()
    store = Store.open(f"sqlite:///{path}")
    figures: dict[str, dict[str, float]] = {}
    try:
        for name, period in PERIODS.items():
            jobs = {
                "table": lambda period=period: client_table(store, period, NOW),
                "snapshot": lambda period=period: snapshot(store, period, NOW),
                "floor": lambda period=period: floor(path, period),
            }
            for job in jobs.values():  # warm: the OS cache, SQLAlchemy's statement cache
                job()
            times: dict[str, list[float]] = {key: [] for key in jobs}
            for _ in range(RUNS):
                for key, job in jobs.items():
                    times[key].append(timed(job) if key != "floor" else job())
            bare = median(times["floor"])
            figures[name] = {"floor_ms": round(bare, 1)}
            for key in ("table", "snapshot"):
                mine = median(times[key])
                figures[name][f"{key}_ms"] = round(mine, 1)
                figures[name][f"{key}_ratio"] = round(mine / bare, 2)
    finally:
        store.close()
    return figures


def without_indexes() -> dict[str, dict[str, float]]:
    """The same on a copy of the dataset without migration 0012's indexes."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "no-indexes.sqlite3"
        shutil.copyfile(populated_cache(), copy)
        connection = sqlite3.connect(copy)
        for index in INDEXES:
            connection.execute(f"DROP INDEX {index}")
        connection.close()
        return measure(copy)


def results() -> list[Result]:
    lines = []
    for name, m in measure().items():
        for key, what in (("table", "client table"), ("snapshot", "table + trends")):
            lines.append(Result(
                f"metrics refresh ({what}), 300 clients, {name}", m[f"{key}_ms"], m["floor_ms"],
                "ms", f"≤ {RATIO_BUDGET:g}× floor (aim ≤ 300 ms)",
                m[f"{key}_ratio"] <= RATIO_BUDGET,
            ))  # fmt: skip
    return lines


if __name__ == "__main__":
    print(json.dumps(without_indexes() if "--no-indexes" in sys.argv else measure(), indent=2))
