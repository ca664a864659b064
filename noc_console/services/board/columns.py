"""The board's columns in one table: header, width, alignment, sort value, cell, tooltip,
and when a cell can change while its row does not (Anki's browser columns as example).

A `Cell` is everything a board cell shows: its text, its `Look` (a name the views map
to colours and weight) and the share of an SLA target used (the thin bar), if any.
Cells are plain values, computed once and cached by `LiveRows`; a view paints them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum, IntEnum, StrEnum
from typing import NamedTuple

from noc_console.models.board_row import BoardRow
from noc_console.models.breach_forecast import ClockKind
from noc_console.models.clock_text import age, countdown, duration
from noc_console.models.incident import Priority
from noc_console.models.record_text import clean
from noc_console.models.sla_clock import ClockState, SlaClock, SlaThresholds
from noc_console.models.text_limits import LINE, capped


class Column(IntEnum):
    PRIORITY = 0
    OUTBOX = 1
    CLIENT = 2
    TITLE = 3
    STATUS = 4
    TIER = 5
    ASSIGNEE = 6
    AGE = 7
    RESPONSE = 8
    RESOLUTION = 9
    DUE = 10
    SOURCE = 11
    ID = 12  # SOURCE:ID, as exported
    FORECAST = 13  # the breach forecast's chance (services/forecast/)


class Look(StrEnum):
    """How a cell is drawn, by name; the views own the colours."""

    PLAIN = "plain"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    OK = ClockState.OK.value
    OFF_HOURS = "off_hours"  # a running clock whose calendar is closed now
    WARNING = ClockState.WARNING.value
    CRITICAL = ClockState.CRITICAL.value
    BREACHED = ClockState.BREACHED.value
    PAUSED = ClockState.PAUSED.value
    MET = ClockState.MET.value
    PENDING = "pending"  # triage actions waiting to be sent
    FAILED = "failed"
    CONFLICT = "conflict"


class Align(Enum):
    LEFT = "left"
    CENTRE = "centre"
    RIGHT = "right"


class Elide(Enum):
    """Which end of a text too long for its cell gives way."""

    END = "end"  # "Firewall HA fail…": the start says what it is
    START = "start"  # "…DEMO-1103": the end tells rows apart (ids)


class Changes(Enum):
    """When a cell's text can change although its row did not."""

    WITH_ROW = "with the row"
    EVERY_MINUTE = "every minute"  # ages, and deadlines shown with or without a date
    EVERY_SECOND = "every second"  # countdowns, while their clock runs


class Cell(NamedTuple):
    text: str
    look: Look = Look.PLAIN
    bar: float | None = None  # share of the SLA target used, 0.0 … 1.0, in BAR_STEPS


#: The bar's share is rounded to this many steps: exact to the pixel for bars up to
#: this wide, and a countdown's cell stays equal from tick to tick until it shows.
BAR_STEPS = 500


@dataclass(frozen=True, slots=True)
class Moment:
    """The instant cells are computed for, and the thresholds that colour the clocks."""

    now: datetime
    thresholds: SlaThresholds


SortValue = float | str


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    column: Column
    header: str
    width: int | None  # pixels at start; None: takes the width the others leave
    align: Align
    changes: Changes
    cell: Callable[[BoardRow, Moment], Cell]
    sort: Callable[[BoardRow], SortValue]
    tip: Callable[[BoardRow, Moment], str | None] | None = None
    clock: Callable[[BoardRow], SlaClock | None] | None = None  # countdown columns
    elide: Elide = Elide.END


FAR_FUTURE = datetime.max.replace(tzinfo=UTC).timestamp()
_INF = float("inf")
PRIORITY_LOOKS = {
    Priority.P1: Look.P1,
    Priority.P2: Look.P2,
    Priority.P3: Look.P3,
    Priority.P4: Look.P4,
}
STATES = {state: Look(state.value) for state in ClockState}
#: The state a countdown's look stands for.
STATE_OF_LOOK = {look: state for state, look in STATES.items()} | {Look.OFF_HOURS: ClockState.OK}


#: A clock that stopped after its target (a response made late): a small mark on "met".
MET_LATE = "met*"


def countdown_cell(clock: SlaClock | None, at: Moment) -> Cell:
    """A countdown: the time left (or over), coloured by state, with the bar of its
    target used (none once met). Red is for what breaches now: a clock that stopped
    late shows `MET_LATE` in the quiet "met" look, the tooltip says how late."""
    if clock is None:
        return Cell("—")
    remaining, state, used = clock.reading(at.now, at.thresholds)
    if state is ClockState.BREACHED and clock.stopped_at is not None:
        return Cell(MET_LATE, Look.MET)  # history, not a call to act: quiet, the tip says more
    off_hours = clock.running and not clock.calendar.is_open(at.now)
    text = countdown(remaining, state, clock.stopped_at is not None, off_hours)
    look = Look.OFF_HOURS if off_hours and state is ClockState.OK else STATES[state]
    if state is ClockState.MET:
        return Cell(text, look)
    return Cell(text, look, round(min(max(used, 0.0), 1.0) * BAR_STEPS) / BAR_STEPS)


def countdown_tip(clock: SlaClock | None, name: str, now: datetime) -> str | None:
    if clock is None:
        return None
    used = clock.fraction_used(now) * 100
    tip = (
        f"{name} due {clock.due_at.astimezone():%a %d %b %H:%M} "
        f"({clock.origin.value}, {clock.calendar.name} hours); "
        f"{used:.0f}% of {duration(clock.target)} used"
    )
    if clock.stopped_at is not None and clock.stopped_at > clock.due_at:
        late = duration(clock.calendar.business_time_between(clock.due_at, clock.stopped_at))
        tip += f"\nMet late: {late} after it was due ({clock.stopped_at.astimezone():%H:%M})"
    if clock.running and not clock.calendar.is_open(now):
        tip += f"\nOutside {clock.calendar.name} business hours: not counting now"
    return tip


#: How long a delivered action's ✓ stays on its row (then the cell is quiet again; it
#: is checked as the minute turns, so the mark shows for one to two minutes).
DELIVERED_SHOWS = timedelta(minutes=1)


def outbox_cell(row: BoardRow, now: datetime) -> Cell:
    """Triage actions' outcome: ⚠ conflict, ✗ failed, ↻ pending (the worst one shows),
    else ✓ for a minute after the latest was delivered."""
    if row.conflicted_actions:
        return Cell(f"⚠{row.conflicted_actions}", Look.CONFLICT)
    if row.failed_actions:
        return Cell(f"✗{row.failed_actions}", Look.FAILED)
    if row.pending_actions:
        return Cell(f"↻{row.pending_actions}", Look.PENDING)
    if row.delivered_at is not None and now - row.delivered_at < DELIVERED_SHOWS:
        return Cell("✓", Look.MET)
    return Cell("")


def outbox_tip(row: BoardRow, now: datetime) -> str | None:
    delivered = (
        f"Last action delivered at {row.delivered_at.astimezone():%H:%M:%S}"
        if row.delivered_at is not None
        else None
    )
    if not (row.conflicted_actions or row.failed_actions or row.pending_actions):
        return delivered
    look = outbox_cell(row, now).look
    what = {Look.CONFLICT: "in conflict", Look.FAILED: "failed"}.get(look, "waiting to be sent")
    tip = (
        f"Triage actions: {row.pending_actions} waiting to be sent, "
        f"{row.failed_actions} failed, {row.conflicted_actions} in conflict ({what})"
    )
    if row.failed_actions or row.conflicted_actions:
        tip += "\nF: keep theirs / apply mine / retry / discard"
    return tip


def local_time(when: datetime, now: datetime) -> str:
    """A deadline in local time: the date only when it is not within 20 hours."""
    local = when.astimezone()
    if abs(when - now) < timedelta(hours=20):
        return f"{local:%H:%M}"
    return f"{local:%d %b %H:%M}"


def one_line(text: str) -> str:
    """Ticket text as a cell shows it: one line, no control characters, capped (the
    store cleans titles at ingest; client names and rows built elsewhere may not be)."""
    return clean(text, LINE, one_line=True)


def _assignee(row: BoardRow) -> str:
    return one_line(row.assignee) if row.assignee else "unassigned"


def _deadline(clock: SlaClock | None) -> float:
    return clock.due_at.timestamp() if clock is not None and clock.running else _INF


def _id_order(row: BoardRow) -> str:
    """`SOURCE:ID` sorting as people count: DEMO-99 before DEMO-100."""
    return re.sub(r"\d+", lambda digits: digits[0].zfill(20), str(row.key).casefold())


def forecast_cell(row: BoardRow) -> Cell:
    """The chance the riskier running clock breaches, in whole percents: amber from
    `LIKELY`, red from 80 %; "?" where no history says anything (the tip says why)."""
    forecast = row.forecast
    if forecast is None:
        return Cell("—")
    if forecast.probability is None:
        return Cell("?")
    chance = forecast.probability
    look = Look.CRITICAL if chance >= 0.8 else Look.WARNING if forecast.likely else Look.PLAIN
    return Cell(f"{round(chance * 100)}%", look)


def forecast_tip(row: BoardRow, now: datetime) -> str | None:
    """Why: "Breach 72 % (resolution): P2 at L1, typically 3h 10m to resolve, 1h 40m
    left, 6 ahead" — the time left read from the clock now."""
    forecast = row.forecast
    if forecast is None:
        return None
    clock = row.response if forecast.clock is ClockKind.RESPONSE else row.resolution
    left = clock.remaining(now) if clock is not None else timedelta(0)
    if forecast.probability is None:
        return capped(forecast.reason(left))
    chance = f"{round(forecast.probability * 100)} %"
    return capped(f"Breach {chance} ({forecast.clock.value}): {forecast.reason(left)}")


def _forecast_order(row: BoardRow) -> float:
    forecast = row.forecast
    return -1.0 if forecast is None or forecast.probability is None else forecast.probability


def _due(row: BoardRow, at: Moment) -> Cell:
    return Cell(local_time(row.next_deadline, at.now) if row.next_deadline else "—")


COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(Column.PRIORITY, "Pri", 48, Align.CENTRE, Changes.WITH_ROW,
               lambda r, _: Cell(r.priority.value, PRIORITY_LOOKS[r.priority]),
               lambda r: r.priority.rank),
    ColumnSpec(Column.OUTBOX, "⇅", 40, Align.CENTRE, Changes.EVERY_MINUTE,
               lambda r, at: outbox_cell(r, at.now),
               lambda r: r.conflicted_actions * 10_000 + r.failed_actions * 100
               + r.pending_actions,
               tip=lambda r, at: outbox_tip(r, at.now)),
    ColumnSpec(Column.CLIENT, "Client", 170, Align.LEFT, Changes.WITH_ROW,
               lambda r, _: Cell(one_line(r.client_name)),  # capped: the view elides
               lambda r: one_line(r.client_name).casefold()),
    ColumnSpec(Column.TITLE, "Title", None, Align.LEFT, Changes.WITH_ROW,
               lambda r, _: Cell(one_line(r.title)),
               lambda r: one_line(r.title).casefold(),
               tip=lambda r, _: f"{capped(str(r.key))}\n{capped(r.title)}"),
    ColumnSpec(Column.STATUS, "Status", 132, Align.LEFT, Changes.WITH_ROW,
               lambda r, _: Cell(r.status.label),
               lambda r: r.status.label.casefold()),
    ColumnSpec(Column.TIER, "Tier", 50, Align.LEFT, Changes.WITH_ROW,
               lambda r, _: Cell(r.tier.value),
               lambda r: r.tier.value.casefold()),
    ColumnSpec(Column.ASSIGNEE, "Assignee", 110, Align.LEFT, Changes.WITH_ROW,
               lambda r, _: Cell(_assignee(r)),
               lambda r: _assignee(r).casefold()),
    ColumnSpec(Column.AGE, "Age", 64, Align.RIGHT, Changes.EVERY_MINUTE,
               lambda r, at: Cell(age(at.now - r.created_at)),
               lambda r: r.created_at.timestamp()),
    ColumnSpec(Column.RESPONSE, "Response", 120, Align.RIGHT, Changes.EVERY_SECOND,
               lambda r, at: countdown_cell(r.response, at),
               lambda r: _deadline(r.response),
               tip=lambda r, at: countdown_tip(r.response, "Response", at.now),
               clock=lambda r: r.response),
    ColumnSpec(Column.RESOLUTION, "Resolution", 120, Align.RIGHT, Changes.EVERY_SECOND,
               lambda r, at: countdown_cell(r.resolution, at),
               lambda r: _deadline(r.resolution),
               tip=lambda r, at: countdown_tip(r.resolution, "Resolution", at.now),
               clock=lambda r: r.resolution),
    ColumnSpec(Column.DUE, "Next due", 112, Align.RIGHT, Changes.EVERY_MINUTE,
               _due,
               lambda r: r.next_deadline.timestamp() if r.next_deadline else FAR_FUTURE),
    ColumnSpec(Column.SOURCE, "Source", 64, Align.LEFT, Changes.WITH_ROW,
               lambda r, _: Cell(r.key.source),
               lambda r: r.key.source.casefold()),
    ColumnSpec(Column.ID, "Id", 150, Align.LEFT, Changes.WITH_ROW,
               lambda r, _: Cell(one_line(str(r.key))),
               _id_order, elide=Elide.START),
    ColumnSpec(Column.FORECAST, "Breach", 64, Align.RIGHT, Changes.WITH_ROW,
               lambda r, _: forecast_cell(r), _forecast_order,
               tip=lambda r, at: forecast_tip(r, at.now)),
)  # fmt: skip
assert [spec.column for spec in COLUMNS] == list(Column)  # indexed by Column
COLUMN_COUNT = len(COLUMNS)
