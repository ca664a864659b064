"""A full sync of 5,000 open Jira Service Management issues from the JSM fake into a
fresh SQLite cache.

Prints the requests the fake received (by endpoint) and the wall time, each from a new
cache and a new connector: the sync alone (its first run reads every open issue, and
each one's SLA from the servicedeskapi — one request per issue, which dominates) and
what `noc-console sync --once` does — the sync, then reconciliation, which lists every
open issue once more but reads no SLA again (unchanged issues keep theirs). Jira
publishes no fixed rate: its budgets are cost-based and it answers 429 with
Retry-After when one runs out, so no client-side limit applies unless given:
`python -m benchmarks.bench_jsm 5000 600` measures at 600 requests/minute.
Run: `python -m benchmarks.bench_jsm [issues [requests_per_minute]]`.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.vendor_sync import timed_sync
from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.jira_service_management.connector import (
    JsmConnector,
    JsmOptions,
    jsm_client,
)
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from tests.fakes.fake_jsm import FakeJsm
from tests.fakes.http_fake import running


def measure(issues: int = 5000, per_minute: float = 0.0) -> dict[str, object]:
    fake = FakeJsm()
    for issue in fake.seed(issues):
        if fake.statuses[issue["status"]] == "done":
            issue["status"], issue["resolved"] = "In Progress", None  # a full sync reads all
    clock = ManualClock(datetime(2026, 11, 25, 14, tzinfo=UTC))
    results: dict[str, object] = {"metric": "JSM full sync from the fake", "issues": issues,
                                  "requests_per_minute": per_minute}  # fmt: skip
    with running(fake), tempfile.TemporaryDirectory() as folder:
        for name, reconcile in (("sync alone", False), ("sync --once (with reconcile)", True)):
            settings = HttpSettings(fake.url, requests_per_minute=per_minute,
                                    allow_insecure_http=True)  # fmt: skip
            http = jsm_client("jsm", settings, fake.email, fake.token)
            connector = JsmConnector("jsm", http, JsmOptions(page_size=100))
            store = Store.open(f"sqlite:///{Path(folder) / f'cache-{reconcile}.sqlite3'}")
            results[name] = timed_sync(fake, connector, store, clock, reconcile, _endpoint)
            store.close()
    return results


def _endpoint(path: str) -> str:
    return "/rest/servicedeskapi/request/{key}/sla" if path.endswith("/sla") else path


if __name__ == "__main__":
    arguments = [*map(float, sys.argv[1:3])]
    print(json.dumps(measure(*(int(arguments[0]), *arguments[1:]) if arguments else ()),
                     indent=2))  # fmt: skip
