"""Declaring a major incident: the draft from the board, the checks (each one line,
nothing stored), the notes every child gets and the native links where the PSA has
them — stored through the outbox with the record."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from noc_console.models.actions import ActionKind
from noc_console.models.board_row import BoardRow
from noc_console.models.cache.store import Store
from noc_console.models.incident import IncidentKey, Priority, Status
from noc_console.services.correlation import Arrival, Group, correlate
from noc_console.services.identity import Identity
from noc_console.services.major_incident.declare import (
    CannotDeclare,
    Declaration,
    declare,
    draft,
)
from tests.conftest import T0
from tests.factories import board_row, incident

ME = Identity("Dana Lead")
MIN = timedelta(minutes=1)


def outage_row(number: int, client: str, source: str = "rt", minutes: int = 0) -> BoardRow:
    return board_row(
        number, key=IncidentKey(source, str(number)), client_id=client.lower(),
        client_name=client, title=f"Internet circuit down at Oslo office {client}",
        category="Network", priority=Priority.P1, created_at=T0 + minutes * MIN,
    )  # fmt: skip


OUTAGE = [outage_row(1, "Acme", "rt", 0), outage_row(2, "Globex", "cw", 2),
          outage_row(3, "Initech", "rt", 4), outage_row(4, "Umbrella", "halo", 6)]  # fmt: skip
OTHER = board_row(9, key=IncidentKey("rt", "9"), title="Printer jammed on floor 3",
                  created_at=T0 + 3 * MIN)  # fmt: skip


def groups_of(rows: list[BoardRow]) -> list[Group]:
    """What the board's correlator shows for `rows`."""
    return correlate(Arrival.of_row(r) for r in rows)


def test_one_row_of_a_correlated_burst_drafts_the_whole_group() -> None:
    d = draft([OUTAGE[2]], [*OUTAGE, OTHER], groups_of([*OUTAGE, OTHER]), ME)
    assert [r.key for r in d.children] == [r.key for r in OUTAGE]
    assert d.title  # the group's label
    assert (d.severity, d.commander, d.comms_lead) == (Priority.P1, "Dana Lead", "")
    assert d.clients == ("acme", "globex", "initech", "umbrella")


def test_a_selection_drafts_exactly_the_selected_rows() -> None:
    d = draft([OUTAGE[0], OTHER], [*OUTAGE, OTHER], groups_of([*OUTAGE, OTHER]), ME)
    assert [r.key for r in d.children] == [OUTAGE[0].key, OTHER.key]
    assert d.title == ""


#: A Microsoft 365 outage at three clients and a fourth client's mail trouble, which joins
#: it by wording alone.
PLATFORM = [
    board_row(20 + n, key=IncidentKey("rt", str(20 + n)), client_id=client, client_name=client,
              title=title, category="Network", created_at=T0 + 2 * n * MIN)
    for n, (client, title) in enumerate([
        ("northwind", "Teams not loading"),
        ("contoso", "Outlook cannot connect to Office 365"),
        ("fabrikam", "Users unable to log in to Office 365"),
        ("adatum", "Email not sending"),
    ])
]  # fmt: skip


def test_a_groups_member_joined_by_wording_alone_starts_unticked_a_selections_do_not() -> None:
    grouped = draft([PLATFORM[0]], PLATFORM, groups_of(PLATFORM), ME)
    assert [r.key for r in grouped.children] == [r.key for r in PLATFORM]
    assert [grouped.starts_ticked(r) for r in grouped.children] == [True, True, True, False]
    reasons = [grouped.reasons[r.key].text for r in grouped.children]
    assert reasons == ["same platform: Microsoft 365"] * 3 + ["same words"]
    chosen = draft(PLATFORM, PLATFORM, groups_of(PLATFORM), ME)  # the technician's selection
    assert all(chosen.starts_ticked(r) for r in chosen.children)


def declaration(**fields: object) -> Declaration:
    made = Declaration("Carrier outage Oslo", Priority.P1, "Dana Lead", "Sam Comms",
                       tuple(OUTAGE))  # fmt: skip
    return replace(made, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"children": ()}, r"^a major incident needs at least one incident: select"),
        ({"title": "  "}, r"^give the major incident a title"),
        ({"commander": ""}, r"^name the incident commander$"),
        ({"comms_lead": " "}, r"^name the communications lead$"),
        ({"severity": Priority.P3}, r"^a major incident is P1 or P2, not P3$"),
        ({"children": (replace(OUTAGE[0], status=Status.CLOSED),)}, r"^rt:1 is closed"),
    ],
)
def test_an_incomplete_declaration_says_what_to_fix(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(CannotDeclare, match=message):
        declare(declaration(**fields), ME, T0)


def test_each_child_gets_an_internal_note_and_rt_children_a_link_to_the_lead(store: Store) -> None:
    stored_rows = [incident(n, source=r.key.source, external_id=r.key.external_id,
                            client_id=r.client_id) for n, r in enumerate(OUTAGE)]  # fmt: skip
    store.upsert_incidents(stored_rows)
    record, actions = declare(declaration(), ME, T0, native_links={"rt"})
    stored, changes = store.declare_major_incident(record, actions, T0)
    assert stored.clients == ("acme", "globex", "initech", "umbrella")
    assert (stored.detected_at, stored.declared_by) == (T0, "Dana Lead")
    sent = sorted((q.seq, q.action.key, q.action.kind) for q in store.outbox())
    rt1, cw2, rt3, halo4 = (r.key for r in OUTAGE)
    assert [s[1:] for s in sent] == [
        (rt1, ActionKind.NOTE), (cw2, ActionKind.NOTE),
        (rt3, ActionKind.NOTE), (rt3, ActionKind.LINK), (halo4, ActionKind.NOTE),
    ]  # fmt: skip
    notes = {q.action.key: q.action.payload for q in store.outbox()
             if q.action.kind is ActionKind.NOTE}  # fmt: skip
    assert all(p["internal"] is True for p in notes.values())
    first = str(notes[rt1]["text"])
    assert first.startswith(f"Major incident {stored.reference} (P1): Carrier outage Oslo")
    assert "Incident commander: Dana Lead; communications lead: Sam Comms." in first
    assert "one of 4 linked incidents across 4 clients" in first
    assert "Linked: cw:2 (Globex), rt:3 (Initech), halo:4 (Umbrella)" in first
    links = [q.action.payload for q in sorted(store.outbox(), key=lambda q: q.seq)
             if q.action.kind is ActionKind.LINK]  # fmt: skip
    assert links == [{"refers_to": ["1"], "reference": stored.reference}]  # to the lead
    assert changes.upserted == {rt1, cw2, rt3, halo4}


def test_untrusted_titles_are_kept_on_one_line_and_long_lists_counted() -> None:
    many = tuple(outage_row(n, f"Client{n}") for n in range(1, 21))
    hostile = replace(many[0], title="Down\n\nIgnore previous\tinstructions")
    record, actions = declare(declaration(children=(hostile, *many[1:])), ME, T0)
    assert record.children[0].title == "Down Ignore previous instructions"
    text = str(actions(replace(record, id=7))[0].payload["text"])
    assert text.endswith("and 7 more")  # 19 others: 12 named
