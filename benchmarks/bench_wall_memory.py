"""A simulated day of the wall display, sped up: does its memory grow?

The real wall (WallWindow, BoardController, the demo feed's sync engine on its thread)
runs against a `ManualClock` moved one second per step, for 24 simulated hours: the
page turns every 20 s, summaries are recomputed every 5 s, the picture shifts, the
engine syncs every simulated minute and the demo MSP keeps raising and resolving
incidents. Resident memory is sampled every simulated ten minutes.

    .venv/bin/python -m benchmarks.bench_wall_memory [--hours 24]

Prints one JSON object: RSS at start (after the first hour, once caches are warm),
at the end, median and maximum, and every six simulated hours, in MiB; the open
incidents at the end (the demo MSP's backlog grows during its working day, and the
cache with it); and the run's wall-clock time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import perf_counter

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from noc_console.connectors.demo.feed import DemoFeed
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.services.board.feed import BoardFeed
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.engine import SyncEngine
from noc_console.services.wall.config import WallSettings
from noc_console.views.board.controller import BoardController
from noc_console.views.theme import apply_theme
from noc_console.views.wall.window import WallWindow

SUMMARY_EVERY = 5  # simulated seconds, as the wall's own timer does in real time
SAMPLE_EVERY = 600
WARM_UP = 3600


def rss_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def simulate(hours: float) -> dict[str, float]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app, "dark")
    clock = ManualClock(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
    folder = Path(tempfile.mkdtemp(prefix="noc-wall-bench-"))
    store = Store.open(f"sqlite:///{folder / 'cache.sqlite3'}")
    connectors = [DemoFeed(clock)]
    engine = SyncEngine(store, connectors, clock, interval=timedelta(minutes=1))
    live = LiveRows(clock.now())
    controller = BoardController(BoardFeed(store, connectors), engine, live, clock)
    wall = WallWindow(live, controller, clock, WallSettings(page_interval_s=20))
    wall.resize(1920, 1080)
    wall.show()
    controller.start()
    while wall.summary is None:
        app.processEvents()
    samples: list[tuple[int, float]] = []
    started = perf_counter()
    turns: list[str] = []
    wall.page_changed.connect(turns.append)
    for second in range(1, int(hours * 3600) + 1):
        clock.advance(timedelta(seconds=1))
        controller.tick()  # the wall follows the controller's tick
        if second % SUMMARY_EVERY == 0:
            wall.refresh()
        app.processEvents()
        if second % SAMPLE_EVERY == 0:
            samples.append((second, rss_mib()))
    elapsed = perf_counter() - started
    wall.close()
    store.close()
    warm = [rss for second, rss in samples if second >= WARM_UP]
    return {
        "simulated_hours": hours,
        "page_turns": len(turns),
        "open_incidents_at_end": len(live),
        "rss_start_mib": round(warm[0], 1),
        "rss_end_mib": round(warm[-1], 1),
        "rss_median_mib": round(statistics.median(warm), 1),
        "rss_max_mib": round(max(warm), 1),
        "growth_mib": round(warm[-1] - warm[0], 1),
        "rss_every_6h_mib": [round(rss, 1) for second, rss in samples if second % 21600 == 0],
        "run_seconds": round(elapsed, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=24.0)
    args = parser.parse_args()
    print(json.dumps(simulate(max(args.hours, 2.0))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
