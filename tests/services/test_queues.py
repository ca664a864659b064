"""Queue membership agrees with the configured SLA thresholds and escalation rules."""

from dataclasses import replace
from datetime import timedelta

from noc_console.models.cache.store import Store
from noc_console.models.incident import Priority
from noc_console.models.sla_clock import SlaThresholds
from noc_console.services.board.queues import membership, queues
from tests.conftest import T0
from tests.factories import incident


def test_at_risk_follows_the_configured_thresholds(store: Store) -> None:
    # Standard P3 resolution target is hours away; put the clock at ~80 % used.
    store.upsert_incidents([incident(1, priority=Priority.P3, created_at=T0, updated_at=T0)])
    (row,) = store.open_rows()
    assert row.resolution is not None
    clock = row.resolution
    now = clock.calendar.add_business_time(T0, clock.target * 0.8)  # 80 % of the target used
    default = membership(queues(None), [row], now)
    assert row.key in default["at_risk"]  # warning from 75 % by default
    later = SlaThresholds(warning_at=0.85, critical_at=0.95)
    configured = membership(queues(None, thresholds=later), [row], now)
    assert row.key not in configured["at_risk"]  # the cell is not amber either
    breached = membership(queues(None, thresholds=later), [row], clock.due_at + timedelta(1))
    assert row.key in breached["breached"]


def test_breached_holds_what_is_late_now_not_a_response_made_late(store: Store) -> None:
    store.upsert_incidents([incident(1, priority=Priority.P2, created_at=T0, updated_at=T0)])
    (row,) = store.open_rows()
    assert row.response is not None
    assert row.resolution is not None
    late = row.response.due_at + timedelta(minutes=10)
    assert row.key in membership(queues(None), [row], late)["breached"]
    answered_late = replace(row, response=replace(row.response, stopped_at=late))
    later = late + timedelta(minutes=5)
    assert row.resolution.due_at > later  # the resolution clock still has time
    assert answered_late.key not in membership(queues(None), [answered_late], later)["breached"]
