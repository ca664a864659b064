"""Shared pieces of the benchmarks: timing, results, the table `make bench` prints."""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from time import perf_counter

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
