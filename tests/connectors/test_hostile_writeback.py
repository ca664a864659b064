"""Hostile input on the write-back paths of issue 15: what a tenant's lists and a
ticket's fields may hold, and what the user is told.

Halo's `/api/Team` and RT's ticket JSON are vendor text: odd shapes must not crash an
action, and names with line breaks or of any length must not break the one-line
message the user reads.
"""

from __future__ import annotations

from typing import Any

import pytest

from noc_console.connectors.errors import ActionRejected, ConnectorUnavailable
from noc_console.connectors.halo.connector import DEFAULT_MAPPING
from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.records import shown
from noc_console.connectors.request_tracker.connector import (
    RequestTrackerConnector,
    RtOptions,
    rt_client,
)
from noc_console.models.actions import Action, ActionKind
from noc_console.models.incident import IncidentKey, Tier
from tests.connectors.test_halo import connector
from tests.fakes.fake_halo import FakeHalo
from tests.fakes.scripted_server import serving

MESSAGE_LIMIT = 2000  # characters: a status line, not a dump


def escalate(system: str, ticket: str, tier: str = "L2") -> Action:
    return Action(IncidentKey(system, ticket), ActionKind.TIER, {"tier": tier})


@pytest.mark.parametrize(
    "teams",
    [
        {"teams": ["2nd Line"]},  # an object, not a list
        "2nd Line",
        [None, 7, "2nd Line", ["2nd Line"]],  # no objects at all
        [{"id": 1}, {"name": None}, {"name": ""}],  # objects without a usable name
        [{"id": 2, "name": "2nd Line", "inactive": True}],  # only an inactive one
    ],
)
def test_a_team_list_of_odd_shapes_fails_the_escalation_in_words(
    halo: FakeHalo, teams: Any
) -> None:
    halo.inject("200", "/api/Team", body=teams, times=2)  # the cached list and a fresh one
    with pytest.raises(ActionRejected, match="no HaloPSA team for tier L2 exists"):
        connector(halo).apply(escalate("halo", "4001"), retry=False)
    assert halo.writes == []


def test_usable_teams_among_odd_entries_are_still_found(halo: FakeHalo) -> None:
    odd = [None, {"id": 1}, {"name": 42}, {"id": 3, "name": "2nd Line", "inactive": False}]
    halo.inject("200", "/api/Team", body=odd)
    connector(halo).apply(escalate("halo", "4001"), retry=False)
    assert halo.tickets[4001]["team"] == "2nd Line"


def test_a_team_list_that_cannot_be_read_is_try_again_later(halo: FakeHalo) -> None:
    halo.inject("500", "/api/Team", times=3)  # the first try and both retries
    with pytest.raises(ConnectorUnavailable):
        connector(halo).apply(escalate("halo", "4001"), retry=False)
    assert halo.writes == []


@pytest.mark.parametrize(
    "names",
    [
        ["NOC\nSet-Cookie: x=1", "Tier\r2", "\x1b[31mred\x1b[0m"],  # line breaks, escapes
        ["x" * 100_000],  # one huge name
        [f"Team {i}" for i in range(5_000)],  # a huge tenant
    ],
)
def test_the_no_team_message_stays_one_short_line_whatever_the_names(
    halo: FakeHalo, names: list[str]
) -> None:
    halo.teams = names
    mapping = DEFAULT_MAPPING.overridden({"tier": {"Ops\nL2": Tier.L2}})
    with pytest.raises(ActionRejected) as raised:
        connector(halo, mapping=mapping).apply(escalate("halo", "4001"), retry=False)
    message = str(raised.value)
    assert message.isprintable()  # no line break, no terminal escape
    assert len(message) < MESSAGE_LIMIT
    assert message.endswith('set [connectors.mapping.tier] "<team>" = "L2"')


RT_TICKET = {"id": 7, "Subject": "Link down", "Queue": {"id": 1, "Name": "Acme"},
             "Owner": {"id": "Nobody"}, "Priority": "50", "Created": "2026-11-25T13:00:00Z",
             "LastUpdated": "2026-11-25T13:00:00Z"}  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "kind", "payload"),
    [
        ({"Status": "open", "CustomFields": [{"name": "Tier", "values": ["L1\n" + "x" * 500]}]},
         ActionKind.TIER, {"tier": "L2"}),
        ({"Status": "new\u2028\x00" + "y" * 500}, ActionKind.ACKNOWLEDGE, {}),
        ({"Status": "open", "Owner": {"id": "eve\nroot"}}, ActionKind.ASSIGN,
         {"assignee": "bob\x1b[2J"}),
    ],
)  # fmt: skip
def test_a_write_rt_ignores_is_told_in_one_line_whatever_rt_holds(
    fields: dict[str, Any], kind: ActionKind, payload: dict[str, Any]
) -> None:
    ticket = {**RT_TICKET, **fields}
    if kind is ActionKind.ACKNOWLEDGE:  # read as "new" so the acknowledgement is needed
        options = RtOptions(mapping=RtOptions().mapping.overridden({"status": {
            str(fields["Status"]): "new"}}))  # fmt: skip
    else:
        options = RtOptions()
    with serving() as rt:
        rt.answer(body=ticket, headers={"ETag": '"1"'})  # GET: read
        rt.answer(body=[])  # PUT: RT says nothing …
        rt.answer(body=ticket, headers={"ETag": '"1"'})  # … and changed nothing
        http = rt_client(
            "rt", HttpSettings(rt.url, retries=0, allow_insecure_http=True), "token", "", "1-2-3"
        )
        source = RequestTrackerConnector("rt", http, options)
        with pytest.raises(ActionRejected) as raised:
            source.apply(Action(IncidentKey("rt", "7"), kind, payload), retry=False)
    message = str(raised.value)
    assert message.startswith("rt: RT did not change ")
    assert message.isprintable()
    assert len(message) < MESSAGE_LIMIT


@pytest.mark.parametrize(
    ("value", "expected"),
    [("L1", "L1"), (Tier.L2, "L2"), ("a\nb", "a\\nb"), ("\x00", "\\x00"), (None, "None"),
     ("é ✓", "é ✓"), ("z" * 200, "z" * 79 + "…")],
)  # fmt: skip
def test_shown_makes_any_value_one_readable_line(value: Any, expected: str) -> None:
    assert shown(value) == expected
