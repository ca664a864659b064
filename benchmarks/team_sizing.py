"""How big a team's shared PostgreSQL grows: the figures behind docs/team.md "Sizing".

    PYTHONPATH=. python -m benchmarks.team_sizing [OPEN] [CLOSED]

Starts a private PostgreSQL cluster (tests/peers/postgres.py), writes OPEN open
incidents (default 10,000) through the real store, each with a raw PSA record of about
2 KB (what a vendor's ticket JSON weighs), then changes each one three times (status,
priority, tier: three history rows each) and queues and delivers one note per incident
(outbox rows are kept); then CLOSED closed incidents (default 50,000) of the same
weight. Prints `pg_database_size` and the biggest tables after each step, and the bytes
per incident; last after `VACUUM FULL` (the rows alone: updates leave dead row versions
until vacuum reuses their room). A measurement on this machine, not a promise:
PostgreSQL's size depends on its version, fill factor and when autovacuum last ran.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import psycopg

from benchmarks.dataset import NOW, clients, incident
from noc_console.models.actions import Action, ActionKind
from noc_console.models.cache.database import upgrade
from noc_console.models.cache.store import Store
from noc_console.models.incident import Incident, Priority, Status, Tier
from tests.peers.postgres import plain_dsn, start_cluster

PAGE = 1000
WORDS = ["disk", "backup", "switch", "port", "latency", "outage", "certificate", "firewall"]


def heavy(rng: random.Random, item: Incident) -> Incident:
    """The incident with a raw record and description of realistic weight (~2 KB)."""
    text = " ".join(rng.choice(WORDS) for _ in range(60))
    raw = {
        "id": item.external_id,
        "summary": item.title,
        "description": text,
        "customFields": [{"id": n, "value": rng.choice(WORDS) * 3} for n in range(20)],
        "notes": [{"author": "tech", "text": text[:300]} for _ in range(2)],
    }
    return replace(item, description=text, raw=raw)


def written(store: Store, items: Iterator[Incident]) -> int:
    page: list[Incident] = []
    count = 0
    for item in items:
        page.append(item)
        count += 1
        if len(page) == PAGE:
            store.upsert_incidents(page)
            page = []
    if page:
        store.upsert_incidents(page)
    return count


def report(url: str, what: str, incidents: int) -> None:
    with psycopg.connect(plain_dsn(url)) as connection:
        total = connection.execute("SELECT pg_database_size(current_database())").fetchone()
        tables = connection.execute(
            "SELECT relname, pg_total_relation_size(relid) FROM pg_catalog.pg_statio_user_tables"
            " ORDER BY 2 DESC LIMIT 4"
        ).fetchall()
    assert total is not None
    size = int(total[0])
    biggest = ", ".join(f"{name} {bytes_ / 2**20:.1f} MiB" for name, bytes_ in tables)
    print(f"{what}: database {size / 2**20:.1f} MiB ({size / max(incidents, 1) / 1024:.1f} KiB "
          f"per incident); {biggest}", flush=True)  # fmt: skip


def main(open_count: int = 10_000, closed_count: int = 50_000) -> None:
    cluster = start_cluster()
    try:
        url = cluster.new_database("size")
        upgrade(url)
        report(url, "empty schema", 1)
        store = Store.open(url)
        rng = random.Random(11)
        ids = [c.id for c in clients()]
        store.upsert_clients(clients())
        opened = [heavy(rng, incident(rng, n, False, ids)) for n in range(open_count)]
        written(store, iter(opened))
        report(url, f"{open_count:,} open incidents", open_count)
        steps = (
            {"status": Status.IN_PROGRESS},
            {"priority": Priority.P1},
            {"tier": Tier.L2, "status": Status.WAITING_CUSTOMER},
        )
        for step, fields in enumerate(steps, start=1):
            later = NOW + timedelta(minutes=step)
            written(store, (replace(i, updated_at=later, version=str(step + 1), **fields)
                            for i in opened))  # fmt: skip
        for item in opened:
            store.enqueue(Action(item.key, ActionKind.NOTE, {"text": "checked, see PSA"}), NOW)
        report(url, "… each changed 3 times and with one action", open_count)
        closed = (heavy(rng, incident(rng, n, True, ids))
                  for n in range(open_count, open_count + closed_count))  # fmt: skip
        written(store, closed)
        store.close()
        report(url, f"… and {closed_count:,} closed incidents", open_count + closed_count)
        with psycopg.connect(plain_dsn(url), autocommit=True) as connection:
            connection.execute("VACUUM FULL ANALYZE")  # what the rows need, without dead ones
        report(url, "… after VACUUM FULL", open_count + closed_count)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
