"""A carrier outage: seven tickets of four clients in a fake PSA (real HTTP), synced,
and the major incident declared over them."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.rest_json.connector import RestJsonConnector
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Priority
from noc_console.models.major_incident import MajorIncident, MajorIncidentChild
from noc_console.services.identity import Identity
from noc_console.services.outbox import OutboxService
from noc_console.services.sync import SyncService
from tests.fakes.fake_psa import FakePsa, running

SAM = Identity("Sam")
CLIENTS = ("acme", "globex", "initech", "umbrella")


@pytest.fixture
def psa() -> Iterator[FakePsa]:
    fake = FakePsa()
    fake.clients = [{"id": c, "name": c.capitalize() + " Ltd", "contract": "Gold"}
                    for c in CLIENTS]  # fmt: skip
    for number in range(1, 8):  # INC-n belongs to CLIENTS[n % 4]
        fake.add(number, client=CLIENTS[number % 4], title="Internet down at Oslo office",
                 priority="P1", impact=1)  # fmt: skip
    with running(fake) as server:
        yield server


@pytest.fixture
def connector(psa: FakePsa) -> RestJsonConnector:
    return RestJsonConnector("psa", HttpSettings(psa.url, 1.0, 1.0, retries=0), "Fake PSA")


@pytest.fixture
def outbox(store: Store, clock: ManualClock, connector: RestJsonConnector) -> OutboxService:
    SyncService(connector, store, clock).sync_once()
    return OutboxService(store, clock, random.Random(1))


@pytest.fixture
def record(store: Store, clock: ManualClock, outbox: OutboxService) -> MajorIncident:
    rows = store.open_rows()
    children = tuple(MajorIncidentChild(r.key, r.client_id, r.title) for r in rows)
    declared = MajorIncident(
        title="Carrier outage Oslo", severity=Priority.P1, commander="Dana", comms_lead="Sam",
        declared_at=clock.now(), declared_by="Dana", clients=CLIENTS, children=children,
        detected_at=min(r.created_at for r in rows),
    )  # fmt: skip
    stored, _ = store.declare_major_incident(declared, [], clock.now())
    return stored


def client_names(store: Store) -> dict[str, str]:
    return {c: (found.name if (found := store.client(c)) else c) for c in CLIENTS}
