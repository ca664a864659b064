"""A full sync of 5,000 unsolved Zendesk tickets from the fake, and what the incremental
export's limit of 10 requests a minute makes of reading 5,000 changes.

1. The first sync and `sync --once` (requests by endpoint, wall time; `harness.full_syncs`):
   the open tickets come from the search export and `show_many` (100 a request), on the
   account's ordinary limit (200–700 a minute by plan) — not the export.
2. 5,000 changed tickets read through the incremental export at `per_page` 1000 and 100:
   requests, the seconds our limiter makes the sync wait (one export request every 6 s;
   counted on a virtual clock that also moves the fake's, so nothing sleeps for real),
   and the wall time of the HTTP work itself.
Run: `python -m benchmarks.bench_zendesk [tickets]`.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from time import perf_counter

from benchmarks.harness import full_syncs
from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.zendesk.connector import (
    ZendeskConnector,
    ZendeskOptions,
    export_limiter,
    zendesk_client,
)
from noc_console.models.clock import ManualClock
from tests.fakes.fake_zendesk import FakeZendesk
from tests.fakes.http_fake import running


class Virtual:
    """The export limiter's clock: sleeping moves it and the fake's clock."""

    def __init__(self, fake: FakeZendesk) -> None:
        self.fake, self.now = fake, 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.fake.advance(seconds)


def measure(tickets: int = 5000) -> dict[str, object]:
    fake = FakeZendesk()
    for ticket in fake.seed(tickets):
        ticket["status"] = "open"  # every ticket unsolved: a full sync reads them all
    clock = ManualClock(datetime(2026, 11, 25, 14, tzinfo=UTC))
    virtual = Virtual(fake)
    exports = export_limiter(virtual.clock, virtual.sleep)  # one process: one budget

    def connector(page_size: int = 1000) -> ZendeskConnector:
        settings = HttpSettings(fake.url, allow_insecure_http=True)
        http = zendesk_client("zd", settings, fake.email, fake.api_token, oauth=False)
        return ZendeskConnector("zd", http, ZendeskOptions(page_size=page_size), "", exports)

    results: dict[str, object] = {"metric": "Zendesk full sync from the fake",
                                  "tickets": tickets}  # fmt: skip
    with running(fake):
        results.update(full_syncs(fake, connector, clock))
        fake.advance(120)  # every ticket older than the minute the export leaves out
        since = fake.now - timedelta(days=30)
        for size in (1000, 100):
            virtual.sleep(60)  # a quiet minute: the account's export budget is whole again
            source = connector(size)
            before, waited = fake.count("GET", "/api/v2/incremental"), virtual.now
            started = perf_counter()
            read = sum(len(page.incidents) for page in source.fetch_changed(since))
            elapsed = perf_counter() - started
            requests = fake.count("GET", "/api/v2/incremental") - before
            results[f"incremental export of every ticket, per_page {size}"] = {
                "requests": requests, "tickets_read": read,
                "limiter_wait_s": round(virtual.now - waited, 1),
                "http_and_mapping_wall_s": round(elapsed, 2),
            }  # fmt: skip
    return results


if __name__ == "__main__":
    print(json.dumps(measure(*(int(a) for a in sys.argv[1:2])), indent=2))
