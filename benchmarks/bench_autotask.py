"""Requests and wall time of a full Autotask sync of 5,000 open tickets, against the
Autotask fake on loopback: connector + SyncService into a new SQLite cache — the sync
alone, then (from another new cache) what `noc-console sync --once` does: the sync and
reconciliation, which reads every open ticket once more.

    .venv/bin/python -m benchmarks.bench_autotask [--tickets N] [--budget]

Without `--budget` the client-side limiter is effectively off (the fake's own hourly
threshold is raised), so the figure is the connector's cost; with it, the default
budget (2,500 requests/hour with bursts of 30) applies as it would in production.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from time import perf_counter

from noc_console.connectors.autotask.connector import AtOptions, AutotaskConnector
from noc_console.connectors.autotask.session import AutotaskSession, at_client
from noc_console.connectors.http.client import HttpSettings
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.services.sync import SyncService
from tests.fakes.fake_autotask import FakeAutotask
from tests.fakes.http_fake import running


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=5_000)
    parser.add_argument("--budget", action="store_true", help="keep the default limiter")
    args = parser.parse_args()
    fake = FakeAutotask(hourly_limit=1_000_000)
    fake.seed(args.tickets)
    for ticket in fake.tickets.values():  # a full sync reads open tickets: open them all
        if ticket["status"] == 5:
            ticket["status"] = 1
    for reconcile in (False, True):
        measure(fake, args.budget, reconcile)


def measure(fake: FakeAutotask, budget: bool, reconcile: bool) -> None:
    with running(fake) as at, tempfile.TemporaryDirectory() as tmp:
        settings = HttpSettings(f"{at.url}/atservicesrest/v1.0", allow_insecure_http=True,
                                requests_per_minute=0.0 if budget else 1e9)  # fmt: skip
        http = at_client("autotask", settings, at.username, at.integration_code, at.secret)
        source = AutotaskConnector("autotask", AutotaskSession(http, at.username), AtOptions())
        store = Store.open(f"sqlite:///{Path(tmp) / 'cache.sqlite3'}")
        started, before = perf_counter(), at.count()
        result = SyncService(source, store, ManualClock(at.now)).sync_once(reconcile=reconcile)
        elapsed = perf_counter() - started
        assert result.ok, result.error
        stored = len(store.open_rows())
        store.close()
    what = "sync --once (sync + reconciliation)" if reconcile else "full sync alone"
    print(f"autotask {what}: {stored} tickets, {http.requests_made} requests "
          f"({at.count() - before} at the fake), {elapsed:.2f} s wall")  # fmt: skip


if __name__ == "__main__":
    main()
