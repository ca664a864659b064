"""One timed sync of a vendor connector from its fake into a store, for the vendor
benchmarks: the requests the fake received (by endpoint), the wall time, the rows."""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter

from noc_console.connectors.base import Connector
from noc_console.models.cache.store import Store
from noc_console.models.clock import Clock
from noc_console.services.sync import SyncService
from tests.fakes.http_fake import HttpFake


def timed_sync(fake: HttpFake, connector: Connector, store: Store, clock: Clock, reconcile: bool,
               where: Callable[[str], str] = str) -> dict[str, object]:  # fmt: skip
    """`sync_once` (with reconciliation if asked), measured; `where` names a request
    path for its endpoint (ids folded into a placeholder)."""
    before = dict(fake.hits)
    started = perf_counter()
    result = SyncService(connector, store, clock).sync_once(reconcile=reconcile)
    elapsed = perf_counter() - started
    assert result.ok, result.error
    hits = fake.hits_since(before, where)
    return {"requests": sum(hits.values()), "by_endpoint": hits, "wall_s": round(elapsed, 2),
            "incidents_stored": len(store.open_rows())}  # fmt: skip
