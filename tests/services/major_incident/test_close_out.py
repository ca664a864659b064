"""Close-out: every child resolved in one action through the outbox, failures shown per
child, the record's times."""

from __future__ import annotations

from datetime import timedelta

import pytest

from noc_console.connectors.rest_json.connector import RestJsonConnector
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey, Status
from noc_console.models.major_incident import MajorIncident, MajorIncidentState
from noc_console.services.major_incident.close_out import (
    CannotCloseOut,
    ChildOutcome,
    close_out,
    close_out_outcomes,
)
from noc_console.services.outbox import OutboxService
from noc_console.services.sync import SyncService
from tests.fakes.fake_psa import FakePsa
from tests.services.major_incident.conftest import SAM

MIN = timedelta(minutes=1)
NOTE = "Carrier replaced the failed line card at Oslo POP; links verified up."


def test_close_out_resolves_every_child_and_shows_each_outcome(
    store: Store, clock: ManualClock, outbox: OutboxService, record: MajorIncident,
    connector: RestJsonConnector, psa: FakePsa,
) -> None:  # fmt: skip
    psa.touch("INC-2", status="resolved")  # resolved in its PSA already
    SyncService(connector, store, clock).sync_once()
    psa.remove("INC-5")  # will refuse the resolve
    clock.advance(90 * MIN)
    closed, _ = close_out(store, record, NOTE, True, SAM, clock.now())
    assert closed.state is MajorIncidentState.RESOLVED
    assert closed.resolved_at == clock.now()
    pending = {r.key.external_id: r.outcome for r in close_out_outcomes(store, closed)}
    assert pending["INC-2"] is ChildOutcome.ALREADY_RESOLVED
    assert pending["INC-1"] is ChildOutcome.PENDING
    outbox.deliver(connector)
    outcomes = {r.key.external_id: r for r in close_out_outcomes(store, closed)}
    assert {k: r.outcome for k, r in outcomes.items()} == {
        "INC-1": ChildOutcome.RESOLVED, "INC-2": ChildOutcome.ALREADY_RESOLVED,
        "INC-3": ChildOutcome.RESOLVED, "INC-4": ChildOutcome.RESOLVED,
        "INC-5": ChildOutcome.FAILED, "INC-6": ChildOutcome.RESOLVED,
        "INC-7": ChildOutcome.RESOLVED,
    }  # fmt: skip
    assert "no such incident" in outcomes["INC-5"].reason
    for number in (1, 3, 4, 6, 7):
        assert psa.incidents[f"INC-{number}"]["status"] == "resolved"
        assert psa.notes[f"INC-{number}"] == [NOTE]  # one resolve each, with the note
    assert "INC-2" not in psa.notes
    (row,) = store.rows([IncidentKey("psa", "INC-1")])
    assert row.status is Status.RESOLVED


@pytest.mark.parametrize(
    ("note", "verified", "message"),
    [("", True, "a resolution needs a note"),
     (NOTE, False, "confirmation that the service is restored")],
)  # fmt: skip
def test_close_out_without_a_note_or_the_check_writes_nothing(
    store: Store, clock: ManualClock, record: MajorIncident, note: str, verified: bool,
    message: str,
) -> None:  # fmt: skip
    with pytest.raises(CannotCloseOut, match=message):
        close_out(store, record, note, verified, SAM, clock.now())
    assert store.outbox() == []
    stored = store.major_incident(record.id)
    assert stored is not None
    assert stored.is_open


def test_a_resolved_record_is_not_closed_out_twice(
    store: Store, clock: ManualClock, record: MajorIncident
) -> None:
    closed, _ = close_out(store, record, NOTE, True, SAM, clock.now())
    with pytest.raises(CannotCloseOut, match="MI-1 is already resolved"):
        close_out(store, closed, NOTE, True, SAM, clock.now())
    assert len(store.outbox()) == 7


def test_each_sources_lead_child_is_resolved_after_the_others(
    store: Store, clock: ManualClock, record: MajorIncident, connector: RestJsonConnector,
    outbox: OutboxService, psa: FakePsa,
) -> None:  # fmt: skip
    """The lead is the parent the others are linked to natively: a PSA may refuse to close
    a parent with open children (HaloPSA), or close the children with the parent's status
    (ConnectWise) — so it goes last, and the PSA sees the children resolved first."""
    lead = record.children[0].key  # one source here: the first child is its lead
    close_out(store, record, NOTE, True, SAM, clock.now())
    order = [q.action.key for q in sorted(store.outbox(), key=lambda q: q.seq)]
    assert order[-1] == lead
    assert sorted(order) == sorted(record.child_keys)
    outbox.deliver(connector)
    resolved = [k for k in psa.write_order if k in {c.external_id for c in record.child_keys}]
    assert resolved[-1] == lead.external_id
