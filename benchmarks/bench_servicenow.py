"""A full sync of 5,000 active ServiceNow incidents from the fake into a fresh SQLite cache.

Prints the requests the fake received (by endpoint) and the wall time, each from a new
cache and a new connector: the sync alone (its first run reads every active incident
and their task_sla rows) and what `noc-console sync --once` does — the sync, then
reconciliation, which reads every active incident once more. ServiceNow has no global
limit: an instance may set a per-user rule of N requests/hour (`sys_rate_limit_rules`),
so the output says what share of such an hour a full sync uses.
Run: `python -m benchmarks.bench_servicenow [incidents [page_size [rule_per_hour]]]`.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

from benchmarks.harness import full_syncs
from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.servicenow.connector import (
    ServiceNowConnector,
    ServiceNowOptions,
    servicenow_client,
)
from noc_console.models.clock import ManualClock
from tests.fakes.fake_servicenow import FakeServiceNow
from tests.fakes.http_fake import running


def measure(incidents: int = 5000, page_size: int = 1000, rule: int = 5000) -> dict[str, object]:
    fake = FakeServiceNow()
    fake.seed(incidents)
    for record in fake.tables["incident"].values():  # every incident active
        record.update(state="2", active="true")
    clock = ManualClock(datetime(2026, 11, 25, 14, tzinfo=UTC))

    def connector() -> ServiceNowConnector:
        settings = HttpSettings(fake.url, allow_insecure_http=True)
        http = servicenow_client("sn", settings, (fake.user, fake.password), [fake.password])
        options = ServiceNowOptions(page_size=page_size, time_zone="Europe/Amsterdam")
        return ServiceNowConnector("sn", http, options)

    with running(fake):
        runs = full_syncs(fake, connector, clock)
    for run in runs.values():
        run[f"share of a {rule}/hour rule"] = round(int(str(run["requests"])) / rule, 3)
    return {"metric": "ServiceNow full sync from the fake", "incidents": incidents,
            "page_size": page_size, **runs}  # fmt: skip


if __name__ == "__main__":
    print(json.dumps(measure(*(int(a) for a in sys.argv[1:4])), indent=2))
