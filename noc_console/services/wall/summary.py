"""Everything a wall display shows, computed at once from the board's rows.

`summarise` runs off the GUI thread (10,000 rows: about the cost of the board's queue
counts, which it reuses); the wall then only lays out frozen values and moves its
countdowns each second from the `SlaClock`s it was given. Rows outside the wall's
`ClientScope` are dropped first, so nothing computed here can speak of them.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import IncidentKey, Priority, Status
from noc_console.models.sla_clock import DEFAULT_THRESHOLDS, ClockState, SlaClock, SlaThresholds
from noc_console.services.board.queues import Queue, membership
from noc_console.services.correlation import Correlator, Group
from noc_console.services.wall.config import DEADLINES, QUEUE_PREFIX
from noc_console.services.wall.scope import ClientScope

#: How bad a client's worst clock is, worst last; paused and met count as fine.
SEVERITY = {
    ClockState.OK: 0,
    ClockState.MET: 0,
    ClockState.PAUSED: 0,
    ClockState.WARNING: 1,
    ClockState.CRITICAL: 2,
    ClockState.BREACHED: 3,
}
_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)
#: The wall's "likely breaches next 2 h": forecasts whose clock falls due this soon.
SOON = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class ClientTile:
    client_id: str
    name: str
    open: int
    breached: int
    worst: ClockState  # OK, WARNING, CRITICAL or BREACHED
    p1: int = 0
    p2: int = 0
    oldest_new: datetime | None = None  # the oldest incident nobody has acknowledged


@dataclass(frozen=True, slots=True)
class IncidentList:
    """A list page: its first rows by nearest deadline and how many there are."""

    rows: tuple[BoardRow, ...]
    total: int


@dataclass(frozen=True, slots=True)
class WallSummary:
    at: datetime
    open_by_priority: Mapping[Priority, int]
    breached: int
    at_risk: int
    escalate: int
    oldest_p1: BoardRow | None
    tiles: tuple[ClientTile, ...]  # worst first
    lists: Mapping[str, IncidentList]  # by page name: "deadlines", "queue:<key>"
    breached_p1: frozenset[IncidentKey]
    groups: tuple[Group, ...] = ()  # probably one event each, the latest arrival first
    likely_soon: int = 0  # running clocks due within SOON that will likely breach

    @property
    def open_total(self) -> int:
        return sum(self.open_by_priority.values())

    @property
    def empty_pages(self) -> frozenset[str]:
        """List pages with nothing to show: the rotation skips them."""
        return frozenset(page for page, listing in self.lists.items() if not listing.total)


def next_clock(row: BoardRow) -> SlaClock | None:
    """The clock a wall shows for `row`: the running one due first, else resolution."""
    running = [c for c in (row.response, row.resolution) if c is not None and c.stopped_at is None]
    if running:
        return min(running, key=lambda c: c.due_at)
    return row.resolution


def worst_state(row: BoardRow, now: datetime, thresholds: SlaThresholds) -> ClockState:
    """The worst state of the row's clocks that still run: a clock stopped late (a
    response made late) is history, as in the board's Breached queue."""
    states = [
        c.state(now, thresholds)
        for c in (row.response, row.resolution)
        if c is not None and c.stopped_at is None
    ]
    worst = max(states, key=SEVERITY.__getitem__, default=ClockState.OK)
    return worst if SEVERITY[worst] else ClockState.OK


def summarise(
    rows: Iterable[BoardRow],
    now: datetime,
    scope: ClientScope,
    pages: Sequence[str],
    all_queues: Sequence[Queue],
    per_page: int,
    thresholds: SlaThresholds = DEFAULT_THRESHOLDS,
    correlator: Correlator | None = None,
) -> WallSummary:
    """The wall at `now`: counts, tiles, the list of every list page in `pages`, and the
    groups among the rows in scope (the wall keeps one `correlator`, which remembers)."""
    mine = [r for r in rows if r.is_open and scope.admits_row(r)]
    members = membership(all_queues, mine, now)
    by_priority = dict.fromkeys(Priority, 0)
    tiles: dict[str, list[int]] = {}  # client id -> [open, breached, P1, P2]
    names: dict[str, str] = {}
    worst_of: dict[str, ClockState] = {}
    oldest_new: dict[str, datetime] = {}
    for row in mine:
        by_priority[row.priority] += 1
        state = worst_state(row, now, thresholds)
        tile = tiles.setdefault(row.client_id, [0, 0, 0, 0])
        names[row.client_id] = row.client_name
        tile[0] += 1
        tile[1] += state is ClockState.BREACHED
        tile[2] += row.priority is Priority.P1
        tile[3] += row.priority is Priority.P2
        previous = worst_of.get(row.client_id, ClockState.OK)
        worst_of[row.client_id] = state if SEVERITY[state] > SEVERITY[previous] else previous
        if row.status is Status.NEW:
            first = oldest_new.get(row.client_id)
            oldest_new[row.client_id] = min(first, row.created_at) if first else row.created_at
    for name in scope.names:  # a scoped client with nothing open is a green tile
        if not any(scope_match(name, cid, names[cid]) for cid in names):
            tiles[name], names[name], worst_of[name] = [0, 0, 0, 0], name, ClockState.OK
    client_tiles = sorted(
        (
            ClientTile(cid, names[cid], t[0], t[1], worst_of[cid], t[2], t[3], oldest_new.get(cid))
            for cid, t in tiles.items()
        ),
        key=lambda t: (-SEVERITY[t.worst], -t.breached, -t.p1, -t.open, t.name.casefold()),
    )
    p1s = [r for r in mine if r.priority is Priority.P1]
    breached = members.get("breached", frozenset())
    lists = {}
    for page in pages:
        if page == DEADLINES:
            lists[page] = _nearest(mine, per_page)
        elif page.startswith(QUEUE_PREFIX):
            keys = members.get(page.removeprefix(QUEUE_PREFIX), frozenset())
            lists[page] = _nearest((r for r in mine if r.key in keys), per_page)
    return WallSummary(
        at=now,
        open_by_priority=by_priority,
        breached=len(breached),
        at_risk=len(members.get("at_risk", ())),
        escalate=len(members.get("escalate", ())),
        oldest_p1=min(p1s, key=lambda r: (r.created_at, r.key)) if p1s else None,
        tiles=tuple(client_tiles),
        lists=lists,
        breached_p1=frozenset(r.key for r in p1s if r.key in breached),
        groups=tuple(
            sorted(
                (correlator or Correlator()).groups(mine),
                key=lambda g: (g.last_at, g.key),
                reverse=True,
            )
        ),
        likely_soon=sum(1 for r in mine if likely_soon(r, now)),
    )


def likely_soon(row: BoardRow, now: datetime) -> bool:
    """Not breached yet, due within `SOON`, and likely to breach (the breach forecast)."""
    forecast = row.forecast
    return forecast is not None and forecast.likely and now < forecast.due_at <= now + SOON


def scope_match(name: str, client_id: str, client_name: str) -> bool:
    return ClientScope((name,)).admits(client_id, client_name)


def _nearest(rows: Iterable[BoardRow], count: int) -> IncidentList:
    chosen = list(rows)
    first = heapq.nsmallest(count, chosen, key=lambda r: (r.next_deadline or _FAR_FUTURE, r.key))
    return IncidentList(tuple(first), len(chosen))
