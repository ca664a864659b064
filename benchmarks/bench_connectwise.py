"""Requests and wall time of a full ConnectWise sync of 5,000 open tickets, against the
ConnectWise fake on loopback, into a fresh SQLite cache (connector + sync + store).

A full sync here is what `noc-console sync --once` does on first run: the companies
(clients), every open ticket (forward-only pages of `page_size`), then reconciliation
(every open ticket once more). Run: `python -m benchmarks.bench_connectwise`.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter

from noc_console.connectors.connectwise.connector import ConnectWiseConnector, CwOptions
from noc_console.connectors.connectwise.session import ConnectWiseHttp
from noc_console.connectors.http.client import HttpSettings
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.services.sync import SyncService
from tests.fakes.fake_connectwise import FakeConnectWise
from tests.fakes.http_fake import running

TICKETS = 5000


def tenant() -> FakeConnectWise:
    fake = FakeConnectWise()
    fake.seed(TICKETS)
    first_open = {1: 11, 2: 21}
    for ticket in fake.tickets.values():  # every ticket open: a full sync reads them all
        if ticket["closedFlag"]:
            fake.update_ticket(ticket["id"], status=first_open[ticket["board"]["id"]])
    return fake


def measure(page_size: int, reconcile: bool) -> dict[str, object]:
    with running(tenant()) as fake, tempfile.TemporaryDirectory() as folder:
        settings = HttpSettings(fake.url, allow_insecure_http=True)
        http = ConnectWiseHttp("cw", settings, fake.company, fake.public_key, fake.client_id,
                               fake.private_key)  # fmt: skip
        source = ConnectWiseConnector("cw", http, CwOptions(page_size=page_size))
        store = Store.open(f"sqlite:///{Path(folder) / 'cache.sqlite3'}")
        clock = ManualClock(datetime(2026, 11, 25, 14, 5, tzinfo=UTC))
        started = perf_counter()
        result = SyncService(source, store, clock).sync_once(reconcile=reconcile)
        elapsed = perf_counter() - started
        store.close()
        assert result.ok, result.error
        return {
            "page_size": page_size,
            "reconcile": reconcile,
            "tickets_stored": len(result.changes.upserted),
            "requests": http.requests_made,
            "requests_by_path": {p.split("/apis/3.0/")[-1]: n for (_, p), n in fake.hits.items()},
            "wall_seconds": round(elapsed, 2),
        }


if __name__ == "__main__":
    runs = [measure(1000, False), measure(1000, True), measure(100, False)]
    json.dump({"metric": f"ConnectWise full sync of {TICKETS} open tickets", "runs": runs},
              sys.stdout, indent=2)  # fmt: skip
    print()
