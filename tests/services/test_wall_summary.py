from dataclasses import replace
from datetime import timedelta

import pytest

from noc_console.models.board_row import BoardRow
from noc_console.models.cache.store import Store
from noc_console.models.incident import Client, Priority, Status, Tier
from noc_console.models.sla_clock import ClockState
from noc_console.services.board.queues import queues
from noc_console.services.wall.scope import ClientScope
from noc_console.services.wall.summary import WallSummary, next_clock, summarise
from tests.conftest import T0
from tests.factories import incident

PAGES = ("overview", "deadlines", "queue:breached")
NOW = T0
EVERYONE = ClientScope()


@pytest.fixture
def rows(store: Store) -> list[BoardRow]:
    store.upsert_clients([Client("acme", "Acme Corp", "Gold"), Client("globex", "Globex")])
    late = T0 - timedelta(minutes=5)
    store.upsert_incidents(
        [
            incident(1, client_id="acme", priority=Priority.P1, resolution_due=late,
                     created_at=T0 - timedelta(hours=3)),
            incident(2, client_id="acme", priority=Priority.P1,
                     created_at=T0 - timedelta(minutes=2)),
            incident(3, client_id="acme", priority=Priority.P3, assignee="kim"),
            incident(4, client_id="globex", priority=Priority.P2, resolution_due=late),
            incident(5, client_id="globex", priority=Priority.P4, tier=Tier.L2),
            incident(6, client_id="globex", status=Status.RESOLVED),
        ]
    )  # fmt: skip
    return store.open_rows()


def wall(rows: list[BoardRow], scope: ClientScope = EVERYONE, per_page: int = 10) -> WallSummary:
    return summarise(rows, NOW, scope, PAGES, queues(None), per_page)


def test_counts_by_priority_and_state(rows: list[BoardRow]) -> None:
    summary = wall(rows)
    assert summary.open_by_priority == {
        Priority.P1: 2, Priority.P2: 1, Priority.P3: 1, Priority.P4: 1
    }  # fmt: skip
    assert summary.open_total == 5
    assert summary.breached == 2
    assert {str(k) for k in summary.breached_p1} == {"test:T-1"}


def test_oldest_p1_is_the_earliest_created(rows: list[BoardRow]) -> None:
    oldest = wall(rows).oldest_p1
    assert oldest is not None
    assert oldest.key.external_id == "T-1"


def test_tiles_are_worst_first_with_counts(rows: list[BoardRow]) -> None:
    tiles = wall(rows).tiles
    assert [(t.name, t.open, t.breached, t.worst) for t in tiles] == [
        ("Acme Corp", 3, 1, ClockState.BREACHED),
        ("Globex", 2, 1, ClockState.BREACHED),
    ]


def test_lists_hold_the_nearest_deadlines_and_the_total(rows: list[BoardRow]) -> None:
    summary = wall(rows, per_page=3)
    deadlines = summary.lists["deadlines"]
    assert deadlines.total == 5
    assert len(deadlines.rows) == 3
    dues = [r.next_deadline for r in deadlines.rows]
    assert all(d is not None for d in dues)
    assert dues == sorted(dues)  # type: ignore[type-var]
    breached = summary.lists["queue:breached"]
    assert {r.key.external_id for r in breached.rows} == {"T-1", "T-4"}
    assert "overview" not in summary.lists


@pytest.mark.parametrize("name", ["globex", "GLOBEX", "Globex"])
def test_scope_by_id_or_name_leaves_nothing_of_other_clients(
    rows: list[BoardRow], name: str
) -> None:
    summary = wall(rows, ClientScope.parse(f" {name} ,"))
    assert summary.open_total == 2
    assert [t.client_id for t in summary.tiles] == ["globex"]
    assert summary.oldest_p1 is None
    assert not summary.breached_p1
    listed = [r for page in summary.lists.values() for r in page.rows]
    assert listed
    assert {r.client_id for r in listed} == {"globex"}


def test_a_scoped_client_with_nothing_open_gets_a_green_tile(rows: list[BoardRow]) -> None:
    summary = wall(rows, ClientScope.parse("globex,Initech"))
    assert [(t.name, t.open, t.worst) for t in summary.tiles] == [
        ("Globex", 2, ClockState.BREACHED),
        ("Initech", 0, ClockState.OK),
    ]


def test_next_clock_prefers_the_running_clock_due_first(rows: list[BoardRow]) -> None:
    row = next(r for r in rows if r.key.external_id == "T-3")
    assert row.response is not None
    assert row.resolution is not None
    assert next_clock(row) is row.response  # response is due before resolution


def test_a_response_made_late_does_not_make_its_client_breached(store: Store) -> None:
    """History, not a fire: the tile and the breached count agree with the board's
    Breached queue, which holds only clocks still late."""
    store.upsert_clients([Client("acme", "Acme Corp", "Gold")])
    store.upsert_incidents([incident(1, client_id="acme", priority=Priority.P2)])
    (row,) = store.open_rows()
    assert row.response is not None
    assert row.resolution is not None
    answered = row.response.due_at + timedelta(minutes=3)
    late = replace(row, response=replace(row.response, stopped_at=answered))
    now = answered + timedelta(minutes=1)
    assert row.resolution.due_at > now
    summary = summarise([late], now, EVERYONE, PAGES, queues(None), 10)
    (tile,) = summary.tiles
    assert (tile.worst, tile.breached, summary.breached) == (ClockState.OK, 0, 0)


def test_the_overview_carries_the_active_groups_of_the_clients_in_scope(store: Store) -> None:
    store.upsert_clients([Client(c, c.capitalize()) for c in ("acme", "globex", "initech")])
    outage = [("acme", "Internet down at Oslo office"), ("globex", "No internet in Oslo"),
              ("initech", "Oslo site: internet circuit unreachable")]  # fmt: skip
    store.upsert_incidents(
        [
            incident(n, client_id=client, title=title, created_at=T0 - timedelta(minutes=9 - n))
            for n, (client, title) in enumerate(outage, start=1)
        ]
    )
    rows = store.open_rows()
    [group] = wall(rows).groups
    assert group.summary == "3 incidents · 3 clients · Internet down at Oslo"
    assert wall(rows, ClientScope.parse("acme,globex")).groups[0].clients == ("acme", "globex")
    assert wall(rows, ClientScope.parse("acme")).groups == ()
