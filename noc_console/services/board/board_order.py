"""The board's named orders: needs me first (the default), by deadline, by priority,
by client, likeliest breach first.

Each order is one sort value per row computed from the row alone — a plain float or
string that `LiveRows` caches — never from "now": a key that moved with the clock
would leave the kept order wrong between two sorts (docs/architecture.md, data flow
5). What "needs me first" means is stated in docs/board.md:

1. unhandled P1 and P2 (nobody acknowledged them yet), P1 first, nearest deadline
   first — a brand-new P1 is at the top whatever its clock says;
2. every other row with a running or breached clock, by its deadline brought forward
   by a lead for its priority (`LEADS`): a P1 ranks with a P3 due three days later,
   so a P1 whose clock is stopped out of hours until Monday stays above the P3/P4
   rows due before then, and a breaching P3 still rises above a calm P2;
3. rows whose clocks are all paused or met (waiting on the customer, responded and
   resolved in time), by priority, then age.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from enum import StrEnum

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import Priority, Status
from noc_console.services.board.columns import one_line

SortValue = float | str


class Order(StrEnum):
    NEEDS_ME = "needs_me"
    DEADLINE = "deadline"
    PRIORITY = "priority"
    CLIENT = "client"
    LIKELY = "likely"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS: Mapping[Order, str] = {
    Order.NEEDS_ME: "Needs me first",
    Order.DEADLINE: "By deadline",
    Order.PRIORITY: "By priority",
    Order.CLIENT: "By client",
    Order.LIKELY: "Likeliest breach first",
}
DEFAULT_ORDER = Order.NEEDS_ME

#: How far a priority brings its deadline forward in "needs me first".
LEADS: Mapping[Priority, timedelta] = {
    Priority.P1: timedelta(days=3),
    Priority.P2: timedelta(hours=8),
    Priority.P3: timedelta(hours=1),
    Priority.P4: timedelta(0),
}
_LEAD_S = {p: lead.total_seconds() for p, lead in LEADS.items()}
#: Groups and priorities as offsets of one float: timestamps stay below 1e10 (2286).
_GROUP = 1e11
_RANK = 1e10
_UNHANDLED = frozenset({Priority.P1, Priority.P2})


def running_deadline(row: BoardRow) -> float | None:
    """The nearest due time of a clock that still counts, as a timestamp: running, or
    breached and still open (a clock paused after its due time is late, and waiting on
    the customer does not make it less late); not paused in time, not stopped."""
    dues = [
        c.due_at.timestamp()
        for c in (row.response, row.resolution)
        if c and c.stopped_at is None and (c.paused_since is None or c.paused_since > c.due_at)
    ]
    return min(dues) if dues else None


def needs_me(row: BoardRow) -> float:
    due = running_deadline(row)
    if row.status is Status.NEW and row.priority in _UNHANDLED:
        return row.priority.rank * _RANK + (due if due is not None else 0.0)
    if due is not None:
        return _GROUP + due - _LEAD_S[row.priority]
    return 2 * _GROUP + row.priority.rank * _RANK + row.created_at.timestamp()


def by_deadline(row: BoardRow) -> float:
    deadline = row.next_deadline
    return deadline.timestamp() if deadline is not None else 2 * _GROUP


def by_priority(row: BoardRow) -> float:
    return row.priority.rank * _RANK + min(by_deadline(row), _RANK - 1)


def by_client(row: BoardRow) -> str:
    return f"{one_line(row.client_name).casefold()}\x00{by_priority(row):014.0f}"


def by_breach_chance(row: BoardRow) -> float:
    """The breach forecast's chance, highest first, in whole percents (as the column shows
    it), then the nearest deadline; rows without a chance last (docs/forecast.md)."""
    forecast = row.forecast
    chance = forecast.probability if forecast is not None else None
    group = 101 if chance is None else 100 - round(chance * 100)
    return group * _RANK + min(by_deadline(row), _RANK - 1)


KEYS: Mapping[Order, Callable[[BoardRow], SortValue]] = {
    Order.NEEDS_ME: needs_me,
    Order.DEADLINE: by_deadline,
    Order.PRIORITY: by_priority,
    Order.CLIENT: by_client,
    Order.LIKELY: by_breach_chance,
}


def order_named(name: object) -> Order:
    """The order a saved view names; the default for anything else (older views)."""
    try:
        return Order(str(name))
    except ValueError:
        return DEFAULT_ORDER
