"""A full sync of 5,000 open HaloPSA tickets from the Halo fake into a fresh SQLite cache.

Prints the requests the fake received (by endpoint) and the wall time, each from a new
cache and a new connector (a new process's token and lookups): the sync alone (its
first run reads every open ticket) and what `noc-console sync --once` does — the sync,
then reconciliation, which reads every open ticket once more. Without a second
argument no client-side rate limit applies; `python -m benchmarks.bench_halo 5000 150`
measures at the connector's default of 150 requests/minute (what a console does).
Run: `python -m benchmarks.bench_halo [tickets [requests_per_minute]]`.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter

from noc_console.connectors.halo.connector import HaloConnector, HaloOptions, halo_client
from noc_console.connectors.http.client import HttpSettings
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.services.sync import SyncService
from tests.fakes.fake_halo import CLOSED, FakeHalo
from tests.fakes.http_fake import running


def measure(tickets: int = 5000, per_minute: float = 0.0) -> dict[str, object]:
    fake = FakeHalo()
    for ticket in fake.seed(tickets):
        if ticket["status_id"] in CLOSED:
            ticket["status_id"] = 2  # every ticket open: a full sync reads them all
    clock = ManualClock(datetime(2026, 11, 25, 14, tzinfo=UTC))
    results: dict[str, object] = {"metric": "Halo full sync from the fake", "tickets": tickets,
                                  "requests_per_minute": per_minute}  # fmt: skip
    with running(fake), tempfile.TemporaryDirectory() as folder:
        for name, reconcile in (("sync alone", False), ("sync --once (with reconcile)", True)):
            settings = HttpSettings(
                fake.url, requests_per_minute=per_minute, allow_insecure_http=True
            )
            http, token = halo_client("halo", settings, fake.client_id, "s3cret")
            connector = HaloConnector("halo", http, token, HaloOptions(page_size=100))
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


if __name__ == "__main__":
    arguments = [*map(float, sys.argv[1:3])]
    print(json.dumps(measure(*(int(arguments[0]), *arguments[1:]) if arguments else ()),
                     indent=2))  # fmt: skip
