"""The keyword rules behind the mapping lines `connectors test` suggests: the vendors'
own default wordings and tenants' variants come out as meant, and a name the rules
cannot read, or read two ways, gives None (a placeholder, never a wrong guess)."""

from __future__ import annotations

import pytest

from noc_console.connectors.autotask.connector import DEFAULT_MAPPING as AUTOTASK
from noc_console.connectors.connectwise.connector import DEFAULT_MAPPING as CONNECTWISE
from noc_console.connectors.halo.connector import DEFAULT_MAPPING as HALO
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.mapping.guess import guess_priority, guess_status, guess_tier
from noc_console.models.incident import Priority, Status, Tier


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Waiting Customer", Status.WAITING_CUSTOMER),
        ("Waiting on User", Status.WAITING_CUSTOMER),
        ("Pending - client reply", Status.WAITING_CUSTOMER),
        ("With Supplier", Status.WAITING_VENDOR),
        ("Awaiting parts", Status.WAITING_VENDOR),
        ("New (portal)", Status.NEW),
        ("Assigned", Status.ACKNOWLEDGED),
        ("Re-Opened", Status.IN_PROGRESS),
        ("Customer Updated", Status.IN_PROGRESS),
        ("Fixed", Status.RESOLVED),
        (">Closed", Status.CLOSED),
        ("Cancelled", Status.CLOSED),
        ("On Hold", None),  # waiting for whom?
        ("Resolved - waiting customer confirmation", None),  # two meanings
        ("Triage", None),
        ("", None),
    ],
)
def test_statuses(name: str, expected: Status | None) -> None:
    assert guess_status(name) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Priority 1 - Emergency Response", Priority.P1),
        ("P2 - Quick", Priority.P2),
        ("3 - Normal", Priority.P3),
        ("Priority 4 - Schedule Maint", Priority.P4),
        ("Urgent", Priority.P1),
        ("Low", Priority.P4),
        ("Priority 1 - Low", None),  # the number and the word disagree
        ("100", None),  # RT's numbers are thresholds, not levels
        ("Gold", None),
    ],
)
def test_priorities(name: str, expected: Priority | None) -> None:
    assert guess_priority(name) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("NOC L2", Tier.L2),  # the explicit level outweighs "NOC"
        ("Level I", Tier.L1),
        ("Level III", Tier.L3),
        ("2nd Line", Tier.L2),
        ("Tier 3", Tier.L3),
        ("Second line support", Tier.L2),
        ("Help Desk", Tier.L1),
        ("Escalations", Tier.L2),
        ("Engineering", Tier.ENG),
        ("Network Ops", None),
        ("L1 / L2 overflow", None),
        ("Online Insurance", None),  # no "line i" inside words
    ],
)
def test_tiers(name: str, expected: Tier | None) -> None:
    assert guess_tier(name) is expected


@pytest.mark.parametrize("defaults", [CONNECTWISE, AUTOTASK, HALO], ids=["cw", "at", "halo"])
def test_the_vendors_default_wordings_are_read_as_their_defaults_map_them_or_not_at_all(
    defaults: FieldMapping,
) -> None:
    """A guess that contradicts a vendor's own default would be a wrong suggestion."""
    for name, status in defaults.status.items():
        assert guess_status(name) in (status, None), name
    for name, priority in defaults.priority.items():
        assert guess_priority(name) in (priority, None), name
    for name, tier in defaults.tier.items():
        assert guess_tier(name) in (tier, None), name
