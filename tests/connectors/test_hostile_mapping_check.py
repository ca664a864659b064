"""Hostile tenant names and open-ticket values in `connectors test`'s mapping lines:
every line stays one printable line, every suggested mapping line parses as TOML to
exactly the tenant's name (or is a comment when TOML cannot hold it), a flood of names
is capped, and odd shapes from the vendors' APIs are reported, never a traceback."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from typing import Any

import pytest

from noc_console.connectors.autotask.probe import probe_autotask
from noc_console.connectors.base import Check
from noc_console.connectors.connectwise.probe import probe_connectwise
from noc_console.connectors.halo.probe import probe_halo
from noc_console.connectors.mapping.check import OpenUse, Tenant, TenantStatus, check_mapping
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.mapping.lines import LINES_PER_TABLE, as_toml
from noc_console.models.incident import Priority, Status, Tier
from tests.connectors.test_autotask import connector as autotask
from tests.connectors.test_connectwise import connector as connectwise
from tests.connectors.test_halo import connector as halo_connector
from tests.fakes.fake_autotask import FakeAutotask
from tests.fakes.fake_connectwise import FakeConnectWise
from tests.fakes.fake_halo import FakeHalo
from tests.fakes.http_fake import running

MAPPING = FieldMapping(
    status={"New": Status.NEW, "Acknowledged": Status.ACKNOWLEDGED, "Waiting Customer":
            Status.WAITING_CUSTOMER, "Resolved": Status.RESOLVED},
    priority={"High": Priority.P2, "Low": Priority.P4},
    tier={"Service Desk": Tier.L1},
)  # fmt: skip
INJECTION = 'Waiting"\n[connectors.mapping.tier]\n"Service Desk" = "ENG'
HOSTILE = {
    "toml injection": INJECTION,
    "backslashes": "Waiting customer \\ C:\\Queue \\u0041",
    "bidi override": "\u202eresolved\u202c Waiting Customer",
    "nul and bell": "New\x00\x07",
    "line separator": "Waiting\u2028Customer",
    "tab": "\tWaiting vendor",
    "comment start": "# Waiting vendor",
    "table brackets": "]] [[connectors]]",
    "lone surrogate": "Waiting \ud800 customer",
    "astral": "Waiting 🛠 vendor",
    "empty": "",
    "a megabyte": "W" * 1_000_000,
}


def one_line(check: Check) -> None:
    assert check.detail.isprintable(), check.detail[:200]
    assert len(check.detail) < 3000


@pytest.mark.parametrize("name", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_name_stays_on_its_line_and_pastes_as_exactly_that_name(name: str) -> None:
    used = OpenUse()
    used.add(name, name, name)
    found = Tenant({"": [TenantStatus("New"), TenantStatus(name)]}, ["High", name],
                   ["Service Desk", name], "queue")  # fmt: skip
    checks = check_mapping(MAPPING, found, used)
    for check in checks:
        one_line(check)
    lines = as_toml(s for c in checks for s in c.suggestions)
    assert all(line.isprintable() and len(line) < 500 for line in lines)
    parsed = tomllib.loads("\n".join(lines))  # the whole block, as a user would paste it
    assert set(parsed) <= {"connectors"}
    tables = parsed.get("connectors", {}).get("mapping", {})
    assert set(tables) <= {"status", "status_out", "priority", "tier"}
    for kind, table in tables.items():  # the tenant's name, exactly; nothing else came in
        names = set(table.values()) if kind == "status_out" else set(table)
        assert names <= {name}
    if "\ud800" in name or len(name) > 200:
        assert not any(tables.values())  # comments only: TOML cannot hold it, or no name
    elif name.casefold().startswith("waiting customer"):
        assert tables["status"] == {name: "waiting_customer"}


def test_a_flood_of_unmapped_names_is_capped_in_lines_and_suggestions() -> None:
    used = OpenUse()
    for n in range(10_000):
        used.add(f"Custom status {n}", "High", "Service Desk")
    checks = {c.step: c for c in check_mapping(MAPPING, Tenant(None, None, None), used)}
    statuses = checks["statuses"]
    one_line(statuses)
    assert "and 9992 more" in statuses.detail
    lines = as_toml(statuses.suggestions)
    assert len(lines) == LINES_PER_TABLE + 2  # header, the lines, "and N more"
    assert lines[-1] == "# … and 9960 more: run the test again once these are in"


@pytest.fixture
def cw() -> Iterator[FakeConnectWise]:
    with running(FakeConnectWise()) as fake:
        yield fake


@pytest.mark.parametrize(
    ("field", "value"),
    [("status", "In Progress"), ("status", None), ("board", 7), ("priority", {"id": 1}),
     ("status", {"id": 11, "name": INJECTION})],
)  # fmt: skip
def test_connectwise_tickets_with_odd_references_are_counted_not_fatal(
    cw: FakeConnectWise, field: str, value: Any
) -> None:
    ticket = cw.add_ticket("Odd", status=11)
    cw.tickets[ticket["id"]][field] = value
    checks = list(probe_connectwise(connectwise(cw)))
    assert {c.step for c in checks} >= {"statuses", "priorities", "tiers", "limits"}
    for check in checks:
        one_line(check)


@pytest.mark.parametrize("value", ["99", 10**30, [1], None, "1\n2"])
def test_autotask_picklist_ids_nobody_knows_are_named_on_one_line(value: Any) -> None:
    with running(FakeAutotask()) as at:
        ticket = at.add_ticket("Odd status", status=1)
        at.tickets[ticket["id"]]["status"] = value
        checks = {c.step: c for c in probe_autotask(autotask(at))}
    for check in checks.values():
        one_line(check)
    if value is not None:
        assert checks["unknown ids"].ok is False
        assert f"status id {value!r}"[:40] in checks["unknown ids"].detail


@pytest.mark.parametrize(
    "teams", [{"teams": ["NOC"]}, "NOC", [{"id": 1}, None, 7, {"name": "Service Desk"}]]
)
def test_halo_team_lists_of_odd_shapes_are_not_fatal(teams: Any) -> None:
    with running(FakeHalo()) as halo:
        halo.seed(5)
        halo.inject("200", "/api/Team", body=teams)
        checks = {c.step: c for c in probe_halo(halo_connector(halo))}
    for check in checks.values():
        one_line(check)
    if not isinstance(teams, list):
        # Escalation reads the same list and would find no team: said, not hidden.
        assert checks["escalation"].ok is False
