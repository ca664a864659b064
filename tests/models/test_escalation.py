from datetime import timedelta

import pytest

from noc_console.models.board_row import BoardRow
from noc_console.models.cache.store import Store
from noc_console.models.escalation import (
    EscalationPolicy,
    MajorIncidentCriteria,
    escalation_advice,
    major_incident_reason,
)
from noc_console.models.incident import Client, Priority, Status, Tier
from tests.conftest import T0
from tests.factories import incident

MIN = timedelta(minutes=1)


@pytest.fixture
def row(store: Store) -> BoardRow:
    store.upsert_clients([Client("acme", "Acme", "Gold")])
    store.upsert_incidents(
        [incident(1, priority=Priority.P1, impact=1, urgency=1, created_at=T0, updated_at=T0)]
    )
    return store.open_rows()[0]


def test_p1_at_l1_escalates_after_15_minutes_without_progress(row: BoardRow) -> None:
    assert escalation_advice(row, T0 + 14 * MIN) is None
    advice = escalation_advice(row, T0 + 15 * MIN)
    assert advice is not None
    assert advice.to is Tier.L2
    assert advice.reason == "P1 at L1 without progress for 15 min (rule: 15 min)"


def test_progress_resets_the_escalation_timer(store: Store, row: BoardRow) -> None:
    store.upsert_incidents([incident(1, priority=Priority.P1, impact=1, urgency=1, created_at=T0,
                                     status=Status.ACKNOWLEDGED, responded_at=T0 + 10 * MIN,
                                     updated_at=T0 + 10 * MIN, version="2")])  # fmt: skip
    (moved,) = store.open_rows()
    assert escalation_advice(moved, T0 + 20 * MIN) is None
    assert escalation_advice(moved, T0 + 25 * MIN) is not None


def test_breach_drives_escalation_when_the_rules_allow_more_time(row: BoardRow) -> None:
    slow = EscalationPolicy(rules={Priority.P1: {Tier.L1: timedelta(hours=8)}})
    advice = escalation_advice(row, T0 + 16 * MIN, slow)
    assert advice is not None
    assert advice.reason == "response SLA breached at L1"
    assert (
        escalation_advice(row, T0 + 16 * MIN, EscalationPolicy(rules={}, on_breach=False)) is None
    )


def test_engineering_is_the_top(store: Store) -> None:
    store.upsert_incidents([incident(2, tier=Tier.ENG, priority=Priority.P1)])
    (top,) = store.open_rows()
    assert escalation_advice(top, T0 + timedelta(days=3)) is None


def test_major_incident_candidates(store: Store, row: BoardRow) -> None:
    assert major_incident_reason(row, T0 + 14 * MIN) is None
    assert major_incident_reason(row, T0 + 15 * MIN) == "P1 with impact 1 open for 15 min"
    store.upsert_incidents([incident(3, priority=Priority.P2, impact=2, created_at=T0)])
    p2 = next(r for r in store.open_rows() if r.key.external_id == "T-3")
    assert major_incident_reason(p2, T0 + timedelta(hours=5)) is None
    wide = MajorIncidentCriteria(priority=Priority.P2, impact=2)
    assert major_incident_reason(p2, T0 + timedelta(hours=5), wide) is not None
