"""`make bench`: every budget line of DESIGN.md §5, a table, and benchmarks/results.json.

Medians of several runs, each against a floor measured in the same run. The first run
builds the 210,000-incident dataset (about half a minute) and keeps it in
benchmarks/.data/.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks import (
    bench_board,
    bench_ingest,
    bench_metrics,
    bench_sla,
    bench_startup,
    bench_sync_demo,
)
from benchmarks.dataset import populated_cache
from benchmarks.harness import Result, save, table


def main() -> int:
    print("dataset:", populated_cache(), flush=True)
    results: list[Result] = []
    for name, run in (
        ("startup and memory", bench_startup.measure),
        ("board", bench_board.measure),
        ("ingest", bench_ingest.measure),
        ("SLA engine", bench_sla.results),
        ("metrics refresh", bench_metrics.results),
    ):
        print(f"measuring {name} …", flush=True)
        results.extend(run())
    demo = bench_sync_demo.measure()
    print(f"(demo feed sync: {demo['median_per_second']:,} incidents/s of {demo['incidents']:,})")
    print()
    print(table(results))
    save(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
