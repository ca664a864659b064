"""Request Tracker: how long the test server takes to start, and what a full sync of
1,000 RT tickets costs (requests and wall time), at RT's production bcrypt cost (12:
every REST2 request re-checks the password) and at the tests' cost (4).

    PYTHONPATH=. .venv/bin/python -m benchmarks.bench_rt

Not part of `make bench`'s budget table (RT is a real server, not a floor): it prints
its own figures. Tickets are created in one Perl process through RT's API, scrips off (REST2 would
take minutes at cost 12).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path
from time import perf_counter

from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.request_tracker.connector import (
    RequestTrackerConnector,
    RtOptions,
    rt_client,
)
from noc_console.models.cache.store import Store
from noc_console.models.clock import SystemClock
from noc_console.services.sync import SyncService
from tests.peers.request_tracker import RtServer

TICKETS = 1000
CREATE = """
use strict; use RT; RT::LoadConfig(); RT::Init();
$RT::Handle->dbh->do("UPDATE Scrips SET Disabled = 1");  # no autoreply mail per ticket
my @subjects = ('VPN tunnel down', 'Disk space low', 'Backup failed', 'Printer offline');
for my $i (1 .. $ARGV[0]) {
    my $t = RT::Ticket->new(RT->SystemUser);
    my ($ok, undef, $msg) = $t->Create(Queue => 'General', Subject => $subjects[$i % 4] . " #$i",
                                       Priority => ($i % 4) * 33);
    die $msg unless $ok;
}
"""


def run(cost: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        server = RtServer(Path(folder), bcrypt_cost=cost).start()
        try:
            began = perf_counter()
            server._perl(CREATE, str(TICKETS), timeout=1800)
            created = perf_counter() - began
            print(f"bcrypt cost {cost}: server started in {server.started_in:.2f} s; "
                  f"{TICKETS} tickets created in {created:.1f} s")  # fmt: skip
            for reconcile in (False, True):
                syncs(server, folder, reconcile)
        finally:
            server.stop()


def syncs(server: RtServer, folder: str, reconcile: bool) -> None:
    """Three syncs, each from a new cache: the sync alone, or what `sync --once` does
    (the sync, then reconciliation: every open ticket read once more)."""
    times, requests = [], []
    for attempt in range(3):
        http = rt_client(
            "rt", HttpSettings(server.url, allow_insecure_http=True), "basic", "root", "password"
        )
        connector = RequestTrackerConnector("rt", http, RtOptions())
        store = Store.open(f"sqlite:///{folder}/cache{attempt}-{reconcile}.sqlite3")
        began = perf_counter()
        result = SyncService(connector, store, SystemClock()).sync_once(reconcile=reconcile)
        times.append(perf_counter() - began)
        requests.append(http.requests_made)
        assert result.ok, result.error
        assert store.open_count() == TICKETS
        store.close()
    what = "sync --once (sync + reconciliation)" if reconcile else "full sync alone"
    print(f"  {what}: {statistics.median(requests):.0f} requests, median "
          f"{statistics.median(times):.2f} s over {len(times)} runs "
          f"({', '.join(f'{t:.2f}' for t in times)})")  # fmt: skip


if __name__ == "__main__":
    for cost in (int(a) for a in sys.argv[1:]) if sys.argv[1:] else (12, 4):
        run(cost)
