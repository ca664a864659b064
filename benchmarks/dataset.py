"""A synthetic NOC at scale: 300 clients, 10,000 open and 200,000 closed incidents.

Distributions follow what an MSP's board looks like: most incidents are P3/P4, a few
per cent P1; open ones are mostly in progress or waiting; ages are skewed young with
a long tail; closed ones spread over the past year. Deterministic for a seed. The
cache is built once through the real store and kept in `benchmarks/.data/`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from noc_console.models.cache.store import Store
from noc_console.models.incident import Client, Incident, Priority, Status, Tier

SOURCE = "bench"
CLIENTS = 300
OPEN = 10_000
CLOSED = 200_000
NOW = datetime(2026, 11, 25, 14, tzinfo=UTC)
DATA = Path(__file__).resolve().parent / ".data"
VERSION = 3  # bump when the generator or the stored columns change, to rebuild the dataset

PRIORITIES = [Priority.P1] * 3 + [Priority.P2] * 12 + [Priority.P3] * 45 + [Priority.P4] * 40
OPEN_STATUSES = (
    [Status.NEW] * 15
    + [Status.ACKNOWLEDGED] * 10
    + [Status.IN_PROGRESS] * 45
    + [Status.WAITING_CUSTOMER] * 20
    + [Status.WAITING_VENDOR] * 10
)
TIERS = [Tier.L1] * 55 + [Tier.L2] * 30 + [Tier.L3] * 10 + [Tier.ENG] * 5
CONTRACTS = ["Gold"] * 2 + ["Standard"] * 5 + ["Bronze"] * 3
CALENDARS = ["uk-office", "us-east-office", "de-office", "au-office", "office-utc"]
TITLES = [
    "VPN tunnel down at site {n}",
    "Backup job failed on SRV{n:03d}",
    "Disk 95% full on SQL{n:02d}",
    "M365 sign-in failures ({n} users)",
    "Printer offline in office {n}",
    "CPU at 100% on APP{n:02d}",
    "Certificate expiring on web{n:02d}",
    "Switch port flapping on SW{n:02d}",
]
TECHS = [f"Tech {n:02d}" for n in range(40)]


def clients() -> list[Client]:
    rng = random.Random(1)
    return [
        Client(
            f"client-{n:03d}", f"Client {n:03d} Ltd", rng.choice(CONTRACTS), rng.choice(CALENDARS)
        )
        for n in range(CLIENTS)
    ]


def incident(rng: random.Random, number: int, closed: bool, client_ids: list[str]) -> Incident:
    priority = rng.choice(PRIORITIES)
    if closed:
        created = NOW - timedelta(days=rng.uniform(1, 365))
        status = Status.CLOSED
    else:
        created = NOW - timedelta(hours=min(rng.expovariate(1 / 30), 24 * 60))
        status = rng.choice(OPEN_STATUSES)
    updated = created + (NOW - created) * rng.random()
    responded = None if status is Status.NEW else created + timedelta(minutes=rng.uniform(1, 90))
    return Incident(
        source=SOURCE,
        external_id=f"B-{number}",
        client_id=rng.choice(client_ids),
        title=rng.choice(TITLES).format(n=rng.randrange(1, 99)),
        status=status,
        priority=priority,
        impact=rng.randint(1, 3),
        urgency=rng.randint(1, 3),
        tier=rng.choice(TIERS),
        assignee=None if status is Status.NEW else rng.choice(TECHS),
        created_at=created,
        updated_at=max(updated, responded or created),
        responded_at=responded,
        resolved_at=updated if closed else None,
        version="1",
        raw={"id": number},
    )


def incidents(
    seed: int = 7, open_count: int = OPEN, closed_count: int = CLOSED
) -> Iterator[Incident]:
    rng = random.Random(seed)
    ids = [c.id for c in clients()]
    for number in range(closed_count):
        yield incident(rng, number, True, ids)
    for number in range(closed_count, closed_count + open_count):
        yield incident(rng, number, False, ids)


def populated_cache(open_count: int = OPEN, closed_count: int = CLOSED) -> Path:
    """The path of a cache holding the dataset, built on first use."""
    DATA.mkdir(exist_ok=True)
    path = DATA / f"noc-v{VERSION}-{open_count}-{closed_count}.sqlite3"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    for leftover in DATA.glob(partial.name + "*"):
        leftover.unlink()
    store = Store.open(f"sqlite:///{partial}")
    store.upsert_clients(clients())
    page: list[Incident] = []
    for item in incidents(open_count=open_count, closed_count=closed_count):
        page.append(item)
        if len(page) == 2000:
            store.upsert_incidents(page)
            page = []
    store.upsert_incidents(page)
    store.close()
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    partial.rename(path)
    return path
