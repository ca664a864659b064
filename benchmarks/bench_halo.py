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
from datetime import UTC, datetime

from benchmarks.harness import full_syncs
from noc_console.connectors.halo.connector import HaloConnector, HaloOptions, halo_client
from noc_console.connectors.http.client import HttpSettings
from noc_console.models.clock import ManualClock
from tests.fakes.fake_halo import CLOSED, FakeHalo
from tests.fakes.http_fake import running


def measure(tickets: int = 5000, per_minute: float = 0.0) -> dict[str, object]:
    fake = FakeHalo()
    for ticket in fake.seed(tickets):
        if ticket["status_id"] in CLOSED:
            ticket["status_id"] = 2  # every ticket open: a full sync reads them all
    clock = ManualClock(datetime(2026, 11, 25, 14, tzinfo=UTC))

    def connector() -> HaloConnector:
        settings = HttpSettings(fake.url, requests_per_minute=per_minute, allow_insecure_http=True)
        http, token = halo_client("halo", settings, fake.client_id, "s3cret")
        return HaloConnector("halo", http, token, HaloOptions(page_size=100))

    with running(fake):
        runs = full_syncs(fake, connector, clock)
    return {"metric": "Halo full sync from the fake", "tickets": tickets,
            "requests_per_minute": per_minute, **runs}  # fmt: skip


if __name__ == "__main__":
    arguments = [*map(float, sys.argv[1:3])]
    print(json.dumps(measure(*(int(arguments[0]), *arguments[1:]) if arguments else ()),
                     indent=2))  # fmt: skip
