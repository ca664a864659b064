"""A major incident declared over synced incidents of one source, as the board's M key
declares it (the desk, with the native links the source's connector type declares),
and its outbox delivered to that source: what each vendor's "the whole path reaches
the PSA" test runs."""

from __future__ import annotations

import random
from collections.abc import Sequence

from noc_console.connectors.base import Connector
from noc_console.connectors.registry import connector_type
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey, Priority
from noc_console.models.major_incident import DEFAULT_CADENCE, MajorIncident
from noc_console.services.identity import Identity
from noc_console.services.major_incident.declare import Declaration
from noc_console.services.major_incident.desk import MajorIncidentDesk, linking_sources
from noc_console.services.outbox import OutboxService
from noc_console.services.sources.config import ConnectorConfig


def declare_and_deliver(
    store: Store, clock: ManualClock, source: Connector, type_key: str, ids: Sequence[str]
) -> tuple[MajorIncident, dict[str, list[str]]]:
    """Declare the incidents `ids` of `source` (synced into `store` already) a major
    incident, deliver its actions to `source`; the record, and each child's actions in
    the order queued as "<kind> <state>" ("link delivered")."""
    kind = connector_type(type_key)
    assert kind is not None, type_key
    config = ConnectorConfig(source.name, type_key, settings=kind.settings())
    desk = MajorIncidentDesk(store, DEFAULT_CADENCE, clock, linking_sources([config]))
    rows = store.rows([IncidentKey(source.name, i) for i in ids])
    assert len(rows) == len(ids), "sync the incidents first"
    declared = Declaration("Carrier outage Oslo", Priority.P1, "Dana Lead", "Sam Comms",
                           tuple(rows))  # fmt: skip
    record, _ = desk.declare(declared, Identity("Dana Lead"))
    OutboxService(store, clock, random.Random(1)).deliver(source)
    actions: dict[str, list[str]] = {}
    for queued in sorted(store.outbox(), key=lambda q: q.seq):
        said = f"{queued.action.kind.value} {queued.state.value}"
        actions.setdefault(queued.action.key.external_id, []).append(said)
    return record, actions
