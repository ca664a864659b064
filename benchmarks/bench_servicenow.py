"""A full sync of 5,000 active ServiceNow incidents from the fake into a fresh SQLite cache.

Prints the requests the fake received (by endpoint) and the wall time, each from a new
cache and a new connector: the sync alone (its first run reads every active incident
and their task_sla rows) and what `noc-console sync --once` does — the sync, then
reconciliation, which reads every active incident once more. ServiceNow has no global
limit: an instance may set a per-user rule of N requests/hour (`sys_rate_limit_rules`),
so the output says how many such hours a full sync uses for a given rule.
Run: `python -m benchmarks.bench_servicenow [incidents [page_size [rule_per_hour]]]`.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter

from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.servicenow.connector import (
    ServiceNowConnector,
    ServiceNowOptions,
    servicenow_client,
)
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.services.sync import SyncService
from tests.fakes.fake_servicenow import FakeServiceNow
from tests.fakes.http_fake import running


def measure(incidents: int = 5000, page_size: int = 1000, rule: int = 5000) -> dict[str, object]:
    fake = FakeServiceNow()
    fake.seed(incidents)
    for record in fake.tables["incident"].values():  # every incident active
        record.update(state="2", active="true")
    clock = ManualClock(datetime(2026, 11, 25, 14, tzinfo=UTC))
    results: dict[str, object] = {"metric": "ServiceNow full sync from the fake",
                                  "incidents": incidents, "page_size": page_size}  # fmt: skip
    with running(fake), tempfile.TemporaryDirectory() as folder:
        for name, reconcile in (("sync alone", False), ("sync --once (with reconcile)", True)):
            settings = HttpSettings(fake.url, allow_insecure_http=True)
            http = servicenow_client("sn", settings, (fake.user, fake.password), [fake.password])
            options = ServiceNowOptions(page_size=page_size, time_zone="Europe/Amsterdam")
            connector = ServiceNowConnector("sn", http, options)
            store = Store.open(f"sqlite:///{Path(folder) / f'cache-{reconcile}.sqlite3'}")
            before = dict(fake.hits)
            started = perf_counter()
            result = SyncService(connector, store, clock).sync_once(reconcile=reconcile)
            elapsed = perf_counter() - started
            assert result.ok, result.error
            hits = {f"{m} {p}": n - before.get((m, p), 0) for (m, p), n in fake.hits.items()
                    if n - before.get((m, p), 0)}  # fmt: skip
            requests = sum(hits.values())
            results[name] = {"requests": requests, "by_endpoint": hits,
                             "wall_s": round(elapsed, 2),
                             f"share of a {rule}/hour rule": round(requests / rule, 3),
                             "incidents_stored": len(store.open_rows())}  # fmt: skip
            store.close()
    return results


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:4]]
    print(json.dumps(measure(*arguments), indent=2))
