"""`FieldMapping`: configured entries over the defaults, both ways, and removing a default."""

from __future__ import annotations

import pytest

from noc_console.connectors.autotask import connector as autotask
from noc_console.connectors.connectwise import connector as connectwise
from noc_console.connectors.halo import connector as halo
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.request_tracker import connector as request_tracker
from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import Priority, Status, Tier

DEFAULTS = [request_tracker.DEFAULT_MAPPING, connectwise.DEFAULT_MAPPING,
            autotask.DEFAULT_MAPPING, halo.DEFAULT_MAPPING]  # fmt: skip


@pytest.mark.parametrize("defaults", DEFAULTS)
def test_a_configured_name_is_written_before_every_default_of_the_same_value(
    defaults: FieldMapping,
) -> None:
    mapping = defaults.overridden({
        "status": {"Investigating": Status.IN_PROGRESS},
        "priority": {"P2 - Urgent": Priority.P2},
        "tier": {"NOC L2": Tier.L2},
    })  # fmt: skip
    assert mapping.status_names(Status.IN_PROGRESS)[0] == (
        defaults.status_out.get(Status.IN_PROGRESS, "Investigating")
    )  # status_out pins it
    assert mapping.priority_for(Priority.P2) == "P2 - Urgent"
    assert mapping.names_for("tier", Tier.L2)[0] == "NOC L2"
    tenant = ["2nd Line", "Tier 2", "Level II", "NOC L2"]
    assert mapping.tier_target(Tier.L2, lambda fresh: tenant, "X", "team") == "NOC L2"
    assert mapping.status_of("Investigating") is Status.IN_PROGRESS  # and read, of course


def test_a_configured_numeric_level_wins_over_the_largest_default() -> None:
    mapping = request_tracker.DEFAULT_MAPPING.overridden({"priority": {"90": Priority.P1}})
    assert mapping.priority_for(Priority.P1) == "90"
    assert mapping.priority_of("95") is Priority.P1
    assert request_tracker.DEFAULT_MAPPING.priority_for(Priority.P1) == "100"


def test_an_empty_value_removes_a_default_both_ways() -> None:
    mapping = halo.DEFAULT_MAPPING.overridden({
        "tier": {"2nd Line": "", "NOC L2": Tier.L2},
        "status": {"Waiting on User": ""},
        "status_out": {Status.RESOLVED: ""},
    })  # fmt: skip
    assert mapping.tier_of("2nd Line") is Tier.L1  # the default tier now
    assert mapping.names_for("tier", Tier.L2) == ["NOC L2"]
    with pytest.raises(InvalidRecord, match="'Waiting on User' is not mapped"):
        mapping.status_of("Waiting on User")
    assert mapping.status_for(Status.RESOLVED) == "Resolved"  # status_out no longer pins it


def test_no_mapped_target_in_the_tenant_names_the_tier_and_the_key_on_one_line() -> None:
    asked: list[bool] = []

    def teams(fresh: bool) -> list[str]:
        asked.append(fresh)
        return ["NOC", "Bad\nname", *(f"Team {i}" for i in range(30))]

    with pytest.raises(InvalidRecord) as raised:
        halo.DEFAULT_MAPPING.tier_target(Tier.L2, teams, "HaloPSA", "team")
    message = str(raised.value)
    assert message.startswith("no HaloPSA team for tier L2 exists in this tenant (mapped to "
                              "L2: '2nd Line'; the tenant has: 'NOC', 'Bad\\nname', ")  # fmt: skip
    assert message.endswith(""" and 20 more); set [connectors.mapping.tier] "<team>" = "L2\"""")
    assert "\n" not in message
    assert asked == [False, True]  # the cached list, then a fresh one


def test_a_tier_nothing_maps_to_asks_the_tenant_once() -> None:
    asked: list[bool] = []

    def tenant(fresh: bool) -> list[str]:
        asked.append(fresh)
        return ["A"]

    with pytest.raises(InvalidRecord, match=r"none is mapped; the tenant has: 'A'"):
        FieldMapping().tier_target(Tier.ENG, tenant, "ConnectWise", "board")
    assert asked == [False]
