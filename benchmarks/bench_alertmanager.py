"""Alertmanager with 2,000 active alerts: from `POST /api/v2/alerts` to the rows in the
store (what the board shows at its next refresh).

Starts a private Alertmanager (tests/peers/alertmanager.py; Debian's
prometheus-alertmanager must be installed), posts the alerts as Prometheus would (in
batches of 100), then syncs back to back, as the engine does when woken, until every
alert is a row in a fresh SQLite cache: the time from the first POST to the last row,
the requests and the wall time of each sync. Then, with all of them firing, the time
from the POST of one more alert to its row (median of 5) and of one alert resolved to
its row closed — what a NOC waits for on top of the engine's sync interval (5 s by
default). Run: `python -m benchmarks.bench_alertmanager [alerts]`.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter

from noc_console.connectors.alertmanager.connector import (
    AlertmanagerConnector,
    AlertmanagerOptions,
    am_client,
)
from noc_console.connectors.http.client import HttpSettings
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey
from noc_console.services.sync import SyncService
from tests.peers.alertmanager import PASSWORD, USER, AlertmanagerServer, alert, missing

BATCH = 100


def measure(alerts: int = 2000) -> dict[str, object]:
    reason = missing()
    if reason:
        raise SystemExit(reason)
    clock = ManualClock(datetime.now(UTC))
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "am"
        home.mkdir()
        server = AlertmanagerServer(home).start()
        try:
            settings = HttpSettings(server.url, allow_insecure_http=True)
            http = am_client("am", settings, "basic", USER, PASSWORD)
            connector = AlertmanagerConnector("am", http, AlertmanagerOptions())
            store = Store.open(f"sqlite:///{Path(folder) / 'cache.sqlite3'}")
            sync = SyncService(connector, store, clock)
            fired = [alert(f"Alert{n % 40}", f"client{n % 300}", ("critical", "warning")[n % 2],
                           instance=f"host{n}") for n in range(alerts)]  # fmt: skip
            started = perf_counter()
            for at in range(0, alerts, BATCH):
                server.fire(*fired[at : at + BATCH])
            posted = perf_counter() - started
            syncs: list[float] = []
            until_all = _until(lambda: len(store.open_rows()) >= alerts, sync, syncs)
            all_rows = perf_counter() - started
            requests_first = http.requests_made
            one_more, resolved, steady = [], [], []
            for n in range(5):
                extra = alert("Extra", "client1", "critical", instance=f"extra{n}")
                began = perf_counter()
                server.fire(extra)
                title = f"Extra on extra{n}"
                _until(lambda: any(r.title == title for r in store.open_rows()),  # noqa: B023
                       sync, steady)  # fmt: skip
                one_more.append(perf_counter() - began)
                key = next(r.key for r in store.open_rows() if r.title == title)
                began = perf_counter()
                server.resolve(extra)
                _until(lambda: not _open(store, key), sync, steady)  # noqa: B023
                resolved.append(perf_counter() - began)
            store.close()
        finally:
            server.stop()
    return {
        "metric": "Alertmanager: POST /api/v2/alerts to rows in the store",
        "alerts": alerts,
        "post_s": round(posted, 2),
        "first_post_to_all_rows_s": round(all_rows, 2),
        "syncs_until_all_rows": until_all,
        "sync_wall_s": [round(s, 2) for s in syncs],
        "requests_until_all_rows": requests_first,
        "one_more_alert_to_row_median_s": round(statistics.median(one_more), 3),
        "one_resolved_to_row_closed_median_s": round(statistics.median(resolved), 3),
        "sync_with_all_firing_median_s": round(statistics.median(steady), 3),
    }


def _until(done: Callable[[], bool], sync: SyncService, walls: list[float]) -> int:
    """Sync back to back until `done()`; the number of syncs it took."""
    for count in range(1, 1000):
        began = perf_counter()
        result = sync.sync_once()
        walls.append(perf_counter() - began)
        assert result.ok, result.error
        if done():
            return count
    raise RuntimeError("the rows never arrived")


def _open(store: Store, key: IncidentKey) -> bool:
    return any(r.key == key for r in store.open_rows())


if __name__ == "__main__":
    print(json.dumps(measure(*map(int, sys.argv[1:2])), indent=2))
