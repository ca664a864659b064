from datetime import datetime, timedelta, timezone

import pytest

from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import IncidentKey, Priority, Status, Tier
from noc_console.models.priority import DEFAULT_MATRIX, priority_for
from tests.conftest import T0
from tests.factories import incident


def test_times_are_normalised_to_utc() -> None:
    paris = timezone(timedelta(hours=1))
    made = incident(created_at=datetime(2026, 11, 25, 15, 0, tzinfo=paris))
    assert made.created_at == T0  # 15:00 in UTC+1 is 14:00 UTC
    assert made.created_at.utcoffset() == timedelta(0)


def test_naive_times_are_rejected_as_invalid_records() -> None:
    with pytest.raises(InvalidRecord, match="naive"):
        incident(created_at=datetime(2026, 11, 25, 15, 0))  # noqa: DTZ001 (naive on purpose)


@pytest.mark.parametrize("field", ["source", "external_id", "client_id"])
def test_identity_fields_are_required(field: str) -> None:
    with pytest.raises(InvalidRecord, match=field):
        incident(1, **{field: ""})


def test_unknown_status_is_an_invalid_record() -> None:
    # The message says what is wrong; whoever skips the record names it (records.page_of).
    with pytest.raises(InvalidRecord, match="on_fire"):
        incident(status="on_fire")


def test_impact_outside_the_scale_is_an_invalid_record() -> None:
    with pytest.raises(InvalidRecord, match="impact"):
        incident(impact=0)


def test_strings_become_enums() -> None:
    made = incident(status="in_progress", priority="P1", tier="L3")
    assert made.status is Status.IN_PROGRESS
    assert made.priority is Priority.P1
    assert made.tier is Tier.L3


def test_key_and_openness() -> None:
    assert incident(7).key == IncidentKey("test", "T-7")
    assert str(incident(7).key) == "test:T-7"
    assert incident(status=Status.WAITING_CUSTOMER).is_open
    assert not incident(status=Status.RESOLVED).is_open
    assert not incident(status=Status.CLOSED).is_open


def test_tiers_escalate_in_order_and_stop_at_engineering() -> None:
    assert [t.escalated() for t in Tier] == [Tier.L2, Tier.L3, Tier.ENG, Tier.ENG]


def test_priority_matrix_defaults() -> None:
    assert priority_for(1, 1) is Priority.P1
    assert priority_for(3, 3) is Priority.P4
    assert priority_for(1, 2) is priority_for(2, 1) is Priority.P2
    assert set(DEFAULT_MATRIX) == {(i, u) for i in (1, 2, 3) for u in (1, 2, 3)}
    with pytest.raises(ValueError, match="4"):
        priority_for(4, 1)


def test_priority_matrix_is_monotone() -> None:
    """Raising impact or urgency never lowers the priority."""
    for (impact, urgency), priority in DEFAULT_MATRIX.items():
        if impact > 1:
            assert DEFAULT_MATRIX[(impact - 1, urgency)].rank <= priority.rank
        if urgency > 1:
            assert DEFAULT_MATRIX[(impact, urgency - 1)].rank <= priority.rank
