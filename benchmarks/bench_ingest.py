"""Sync ingest of 50,000 tickets from a loopback HTTP server shaped like a PSA.

Floor: the same pages fetched with bare requests, parsed with json and written with
`executemany` into a plain SQLite table, one transaction per page. Ours: the real
`RestJsonConnector` + `SyncService` into a new cache (validation, normalisation, SLA due
dates, pause history). Budget: within 4× of the floor (DESIGN.md §5).
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from time import perf_counter
from typing import Any

import requests

from benchmarks import dataset
from benchmarks.harness import Result, median
from noc_console.connectors.rest_json.connector import RestJsonConnector
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.services.sync import SyncService

TICKETS = 50_000
PAGE = 1000
RUNS = 3
BUDGET = 4.0  # times the floor's cost
COLUMNS = (
    "id",
    "client",
    "title",
    "status",
    "priority",
    "impact",
    "urgency",
    "tier",
    "assignee",
    "created",
    "updated",
    "responded",
    "resolved",
    "version",
)


def pages() -> list[bytes]:
    """The PSA's answers, rendered once: `PAGE` records each, oldest change first."""
    records = []
    for item in dataset.incidents(seed=11, open_count=TICKETS, closed_count=0):
        records.append(
            {
                "id": item.external_id,
                "client": item.client_id,
                "title": item.title,
                "status": item.status.value,
                "priority": item.priority.value,
                "impact": item.impact,
                "urgency": item.urgency,
                "tier": item.tier.value,
                "assignee": item.assignee,
                "created": item.created_at.isoformat(),
                "updated": item.updated_at.isoformat(),
                "responded": item.responded_at.isoformat() if item.responded_at else None,
                "resolved": None,
                "version": "1",
            }
        )
    records.sort(key=lambda r: r["updated"])
    chunks = [records[i : i + PAGE] for i in range(0, len(records), PAGE)]
    return [
        json.dumps(
            {"incidents": chunk, "next_page": n + 2 if n + 1 < len(chunks) else None}
        ).encode()
        for n, chunk in enumerate(chunks)
    ]


class Server:
    def __init__(self, rendered: list[bytes]) -> None:
        clients = json.dumps(
            [
                {"id": c.id, "name": c.name, "contract": c.contract, "calendar": c.calendar}
                for c in dataset.clients()
            ]
        ).encode()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path.startswith("/clients"):
                    body = clients
                else:
                    page = int(self.path.split("page=")[1].split("&")[0])
                    body = rendered[page - 1]
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def floor_run(url: str, folder: Path) -> float:
    started = perf_counter()
    connection = sqlite3.connect(folder / "floor.sqlite3")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"CREATE TABLE t ({', '.join(COLUMNS)})")
    placeholders = ", ".join("?" for _ in COLUMNS)
    session = requests.Session()
    page: int | None = 1
    count = 0
    while page is not None:
        data = session.get(f"{url}/incidents", params={"page": page}, timeout=30).json()
        rows = [tuple(r[c] for c in COLUMNS) for r in data["incidents"]]
        with connection:
            connection.executemany(f"INSERT INTO t VALUES ({placeholders})", rows)
        count += len(rows)
        page = data["next_page"]
    connection.close()
    assert count == TICKETS
    return count / (perf_counter() - started)


def our_run(url: str, folder: Path) -> float:
    clock = ManualClock(datetime(2026, 11, 25, 14, tzinfo=UTC) + timedelta(days=1))
    store = Store.open(f"sqlite:///{folder / 'ours.sqlite3'}")
    started = perf_counter()
    result = SyncService(RestJsonConnector("psa", url), store, clock).sync_once()
    elapsed = perf_counter() - started
    store.close()
    assert result.ok, result.error
    assert len(result.changes.upserted) == TICKETS
    return TICKETS / elapsed


def measure() -> list[Result]:
    server = Server(pages())
    floors, ours = [], []
    try:
        for _ in range(RUNS):
            with tempfile.TemporaryDirectory() as folder:
                floors.append(floor_run(server.url, Path(folder)))
                ours.append(our_run(server.url, Path(folder)))
    finally:
        server.close()
    ours_median, floor_median = median(ours), median(floors)
    # Throughput: lower is worse, so the ratio that matters is floor / ours.
    slowdown = floor_median / ours_median
    return [
        Result(
            f"sync ingest of {TICKETS:,} tickets",
            ours_median,
            floor_median,
            "tickets/s",
            f"≤ {BUDGET:g}× floor",
            slowdown <= BUDGET,
        )
    ]


if __name__ == "__main__":
    for result in measure():
        print(result)
