"""A full sync of 5,000 open HaloPSA tickets from the Halo fake into a fresh SQLite cache.

Prints the requests the fake received (by endpoint) and the wall time, for the first
sync (`fetch_changed(None)`) and for `sync --once`'s reconciliation pass on top of it.
No client-side rate limit is applied here; with the connector's default of 150
requests/minute the same requests would take at least requests / 2.5 seconds.
Run: `python -m benchmarks.bench_halo [tickets]`.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter

from noc_console.connectors.halo import HaloConnector, HaloOptions, halo_client
from noc_console.connectors.http import HttpSettings
from noc_console.models.clock import ManualClock
from noc_console.models.store import Store
from noc_console.services.sync import SyncService
from tests.fakes.fake_halo import CLOSED, FakeHalo
from tests.fakes.http_fake import running


def measure(tickets: int = 5000) -> dict[str, object]:
    fake = FakeHalo()
    for ticket in fake.seed(tickets):
        if ticket["status_id"] in CLOSED:
            ticket["status_id"] = 2  # every ticket open: a full sync reads them all
    clock = ManualClock(datetime(2026, 11, 25, 14, tzinfo=UTC))
    results: dict[str, object] = {"metric": "Halo full sync from the fake", "tickets": tickets}
    with running(fake), tempfile.TemporaryDirectory() as folder:
        settings = HttpSettings(fake.url, allow_insecure_http=True)
        http, token = halo_client("halo", settings, fake.client_id, "s3cret")
        connector = HaloConnector("halo", http, token, HaloOptions(page_size=100))
        store = Store.open(f"sqlite:///{Path(folder) / 'cache.sqlite3'}")
        for name, reconcile in (("first sync", False), ("sync --once (with reconcile)", True)):
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


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 5000), indent=2))
