"""Shared pieces of the benchmarks: timing, results, the table `make bench` prints."""

from __future__ import annotations

import json
import statistics
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from time import perf_counter
from typing import Any

from noc_console.connectors.base import Connector
from noc_console.models.cache.store import Store
from noc_console.models.clock import Clock
from noc_console.services.sync import SyncService

RESULTS = Path(__file__).resolve().parent / "results.json"


@dataclass
class Result:
    """One budget line: our median, the floor measured in the same run, and whether the
    budget of DESIGN.md §5 holds."""

    metric: str
    median: float
    floor: float | None
    unit: str
    budget: str
    within: bool

    @property
    def ratio(self) -> float | None:
        """How many times the floor's cost ours is (for rates: floor rate / our rate)."""
        if self.floor is None or self.floor == 0 or self.median == 0:
            return None
        if self.unit.endswith("/s") or self.unit.endswith("per s"):
            return self.floor / self.median
        return self.median / self.floor


def timed(action: Callable[[], object]) -> float:
    """Milliseconds one call takes."""
    started = perf_counter()
    action()
    return (perf_counter() - started) * 1000


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def table(results: Sequence[Result]) -> str:
    head = ("metric", "median", "floor", "ratio", "budget", "within")
    rows = [head]
    for r in results:
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "—"
        floor = f"{r.floor:,.1f} {r.unit}" if r.floor is not None else "—"
        rows.append(
            (
                r.metric,
                f"{r.median:,.1f} {r.unit}",
                floor,
                ratio,
                r.budget,
                "yes" if r.within else "NO",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def save(results: Sequence[Result]) -> None:
    data = [{**asdict(r), "ratio": r.ratio} for r in results]
    RESULTS.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def full_syncs(fake: Any, connector_for: Callable[[], Connector], clock: Clock
               ) -> dict[str, dict[str, object]]:  # fmt: skip
    """A vendor benchmark's two runs against `fake` (a started `tests.fakes` server,
    whose `hits` count requests by endpoint), each with a new connector from
    `connector_for` and a fresh SQLite cache: the sync alone, and what `noc-console sync
    --once` does (the sync, then reconciliation). Per run: requests by endpoint, their
    sum, wall seconds and the open incidents stored."""
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, reconcile in (("sync alone", False), ("sync --once (with reconcile)", True)):
            connector = connector_for()
            store = Store.open(f"sqlite:///{Path(folder) / f'cache-{reconcile}.sqlite3'}")
            before = dict(fake.hits)
            started = perf_counter()
            result = SyncService(connector, store, clock).sync_once(reconcile=reconcile)
            elapsed = perf_counter() - started
            assert result.ok, result.error
            hits = {f"{m} {p}": n - before.get((m, p), 0) for (m, p), n in fake.hits.items()
                    if n - before.get((m, p), 0)}  # fmt: skip
            results[name] = {"requests": sum(hits.values()), "by_endpoint": hits,
                             "wall_s": round(elapsed, 2),
                             "incidents_stored": len(store.open_rows())}  # fmt: skip
            store.close()
    return results
