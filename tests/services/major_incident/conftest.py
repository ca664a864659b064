"""A carrier outage: seven tickets of four clients in a fake PSA (real HTTP), synced,
and the major incident declared over them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Priority
from noc_console.models.major_incident import MajorIncident, MajorIncidentChild
from noc_console.services.identity import Identity
from tests.fakes.fake_psa import FakePsa, running
from tests.services.test_outbox import connector, outbox  # noqa: F401  (the same fixtures)

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
def record(store: Store, clock: ManualClock, request: pytest.FixtureRequest) -> MajorIncident:
    request.getfixturevalue("outbox")  # the PSA's tickets synced first
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
