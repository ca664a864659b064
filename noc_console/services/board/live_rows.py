"""The board's open incidents as plain Python: ordered, indexed, filtered, and their
cells computed once and kept until they change.

`LiveRows` is what the board and the wall show, without Qt. It keeps every open row in
sort order (stored deadlines and cached keys, never "time left"), and the rows its
filter shows. Each change — a batch from the engine (`apply`), a sort, a filter — is
returned as a `RowDiff` of the shown rows in the narrowest terms that are true, and
handed to listeners: a Qt model replays it as begin/end notifications
(`views/board/model.py`; napari's evented lists and qutebrowser's download manager
work the same way). `tick` moves "now" and says which visible cells show something
else: most countdowns change once a minute, stopped and paused ones never.

Everything runs on the GUI thread; `rows()` is a snapshot a worker may read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import compress

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import IncidentKey
from noc_console.models.sla_clock import DEFAULT_THRESHOLDS, SlaThresholds
from noc_console.services.board.board_order import KEYS, Order
from noc_console.services.board.columns import (
    COLUMNS,
    Cell,
    Changes,
    Column,
    Moment,
    SortValue,
)
from noc_console.services.board.row_filter import RowFilter

#: More runs of rows shown or hidden than this make one layout change instead (a
#: keystroke can hide thousands of scattered rows: one notification, not thousands).
MAX_RUNS = 8
#: New rows put in their places one by one; more are appended and sorted with the rest.
MAX_PLACED = 64
SortKey = tuple[float | str, IncidentKey]
Span = tuple[int, int]  # first and last position, inclusive

_MINUTELY = tuple(s.column for s in COLUMNS if s.changes is Changes.EVERY_MINUTE)
_CLOCKS = tuple(
    (s.column, s.clock) for s in COLUMNS if s.changes is Changes.EVERY_SECOND and s.clock
)


class LiveRow:
    """One open incident: its frozen row, its sort key, and its cells once painted."""

    __slots__ = ("_ticking", "cells", "haystack", "key", "row", "sort_key", "stamp")

    def __init__(self, row: BoardRow, sort_key: SortKey) -> None:
        self.key = row.key
        self.sort_key = sort_key
        self.row = row
        self.cells: list[Cell] | None = None  # every column's cell, computed when asked
        self.stamp = -1  # the tick the time-dependent cells were computed at
        self.haystack: str | None = None  # search text (row_filter.search_text)
        self._ticking: tuple[Column, ...] | None = None

    def replace(self, row: BoardRow, sort_key: SortKey) -> None:
        self.row, self.sort_key = row, sort_key
        self.cells = self.haystack = self._ticking = None

    @property
    def ticking(self) -> tuple[Column, ...]:
        """The countdown columns whose clock runs (stopped and paused ones never change);
        worked out when first painted, not for each of 10,000 rows at start-up."""
        ticking = self._ticking
        if ticking is None:
            ticking = self._ticking = _ticking(self.row)
        return ticking


def _ticking(row: BoardRow) -> tuple[Column, ...]:
    """The countdown columns whose clock runs (stopped and paused ones never change)."""
    return tuple(column for column, clock_of in _CLOCKS if (c := clock_of(row)) and c.running)


@dataclass(frozen=True, slots=True)
class RowDiff:
    """What one change did to the shown rows, in the steps a list (or a Qt model)
    replays:

    1. `changed`: runs of positions whose rows have new data (positions before step 2);
    2. `removed`: runs to delete (positions before any deletion; delete the last first);
    3. `inserted`: (position, rows) to insert in this order, each at its position in
       the list as it is by then.

    Or, when the order changed (or rows came and went in more than `MAX_RUNS` places),
    `layout`: the whole new list, one layout change. With `reset`, everything was
    replaced: read the rows again.
    """

    reset: bool = False
    changed: tuple[Span, ...] = ()
    removed: tuple[Span, ...] = ()
    inserted: tuple[tuple[int, tuple[LiveRow, ...]], ...] = ()
    layout: tuple[LiveRow, ...] | None = None

    def __bool__(self) -> bool:
        steps = (self.changed, self.removed, self.inserted, self.layout is not None)
        return self.reset or any(steps)


Listener = Callable[[RowDiff], None]


class LiveRows:
    """Every open incident in sort order; the ones the filter shows; their cells."""

    def __init__(self, now: datetime, thresholds: SlaThresholds = DEFAULT_THRESHOLDS) -> None:
        self._entries: list[LiveRow] = []  # every open row, in sort order
        self._shown: list[LiveRow] = []  # those the filter shows, in the same order
        self._index: dict[IncidentKey, int] = {}  # key → position in _entries
        self._thresholds = thresholds
        self._now = now
        self._moment = Moment(now, thresholds)
        self._stamp = 0
        self._sort_column = Column.DUE
        self._order: Order | None = None  # a named order instead of a column's
        self._sort_value: Callable[[BoardRow], SortValue] = COLUMNS[Column.DUE].sort
        self._descending = False
        self._filter = RowFilter()
        self._listeners: list[Listener] = []

    # ------------------------------------------------------------- reading
    def __len__(self) -> int:
        """Every open incident, shown or not."""
        return len(self._entries)

    @property
    def now(self) -> datetime:
        return self._now

    @property
    def thresholds(self) -> SlaThresholds:
        """When clocks turn warning and critical (the configured SLA thresholds)."""
        return self._thresholds

    @property
    def sort_column(self) -> Column:
        return self._sort_column

    @property
    def order(self) -> Order | None:
        """The named order the rows are in, or None when sorted by a column."""
        return self._order

    @property
    def descending(self) -> bool:
        return self._descending

    def rows(self) -> tuple[BoardRow, ...]:
        """Every open row in order, shown or not: a snapshot a worker thread may read."""
        return tuple(e.row for e in self._entries)

    def shown(self) -> list[LiveRow]:
        """The entries the filter shows, in order (a copy: a model keeps it and replays
        the diffs on it)."""
        return list(self._shown)

    def at(self, position: int) -> LiveRow:
        """The shown entry at `position`."""
        return self._shown[position]

    def cells(self, entry: LiveRow) -> list[Cell]:
        """Every cell of `entry`, as of the last tick (computed once, then kept; the
        time-dependent ones again after a tick the entry was not on screen for)."""
        cells = entry.cells
        if cells is None:
            at, row = self._moment, entry.row
            entry.cells = cells = [spec.cell(row, at) for spec in COLUMNS]
            entry.stamp = self._stamp
        elif entry.stamp != self._stamp:
            at, row = self._moment, entry.row
            for column in (*_MINUTELY, *entry.ticking):
                cells[column] = COLUMNS[column].cell(row, at)
            entry.stamp = self._stamp
        return cells

    def tip(self, entry: LiveRow, column: Column) -> str | None:
        """The tooltip text of a cell (plain text; computed when asked)."""
        tip = COLUMNS[column].tip
        return tip(entry.row, self._moment) if tip is not None else None

    @property
    def filter(self) -> RowFilter:
        return self._filter

    # ------------------------------------------------------------- changing
    def subscribe(self, listener: Listener) -> None:
        """Call `listener` with every diff, as soon as it happened."""
        self._listeners.append(listener)

    def apply(self, rows: Iterable[BoardRow], full: bool = False) -> RowDiff:
        """Take rows from the engine: new and changed open ones in their places, closed
        ones out. With `full`, `rows` is the whole board (start-up): a reset."""
        if full:
            latest = {row.key: row for row in rows if row.is_open}
            self._entries = [LiveRow(row, self._sort_key(row)) for row in latest.values()]
            self._entries.sort(key=_by_key, reverse=self._descending)
            self._reindex()
            self._shown = self._filtered()
            return self._tell(RowDiff(reset=True))
        index, entries = self._index, self._entries
        changed: list[int] = []
        removed: list[int] = []
        added: list[LiveRow] = []
        for row in {row.key: row for row in rows}.values():
            position = index.get(row.key)
            if position is None:
                if row.is_open:
                    added.append(LiveRow(row, self._sort_key(row)))
            elif row.is_open:
                entries[position].replace(row, self._sort_key(row))
                changed.append(position)
            else:
                removed.append(position)
        if not (changed or removed or added):
            return RowDiff()
        # Every neighbour pair that holds a changed row in order: the list is sorted,
        # and stays sorted when rows are taken out.
        moved = not self._in_order(changed)
        changed_ids = {id(entries[p]) for p in changed} if self._filter.active else set()
        if removed:
            removed.sort()
            for first, last in reversed(_runs(removed)):
                del entries[first : last + 1]
        placed: list[int] = []  # where new rows went, in the list as it grew
        if moved or len(added) > MAX_PLACED:
            entries.extend(added)
            entries.sort(key=_by_key, reverse=self._descending)
            moved = True
        else:
            for entry in sorted(added, key=_by_key, reverse=self._descending):
                position = self._bisect(entry.sort_key)
                entries.insert(position, entry)
                placed.append(position)
        if removed or added or moved:
            self._reindex()
        if self._filter.active:
            return self._publish(changed_ids)
        self._shown = list(entries)  # everything shows: the steps are ours
        if moved:
            return self._tell(RowDiff(layout=tuple(entries)))
        runs = _runs(placed)
        if len(runs) > MAX_RUNS:
            return self._tell(RowDiff(layout=tuple(entries)))
        inserted = tuple((first, tuple(entries[first : last + 1])) for first, last in runs)
        return self._tell(RowDiff(False, tuple(_runs(sorted(changed))), tuple(_runs(removed)),
                                  inserted))  # fmt: skip

    def sort(self, column: Column, descending: bool = False) -> RowDiff:
        """Sort by `column` (cheap Python keys; at most one layout change)."""
        self._sort_column, self._descending, self._order = column, descending, None
        self._sort_value = COLUMNS[column].sort
        return self._resort()

    def arrange(self, order: Order) -> RowDiff:
        """Put the rows in a named order (`board_order.py`; at most one layout change)."""
        self._order, self._descending = order, False
        self._sort_value = KEYS[order]
        return self._resort()

    def _resort(self) -> RowDiff:
        descending = self._descending
        for entry in self._entries:
            entry.sort_key = self._sort_key(entry.row)
        if self._in_order(range(len(self._entries))):
            return RowDiff()
        self._entries.sort(key=_by_key, reverse=descending)
        self._reindex()
        return self._publish(set())

    def set_filter(self, row_filter: RowFilter) -> RowDiff:
        """Show the rows `row_filter` lets through (the same filter again: nothing)."""
        if row_filter == self._filter:
            return RowDiff()
        self._filter = row_filter
        return self._publish(set())

    def refilter(self) -> RowDiff:
        """Ask the filter again (a queue predicate whose answers move with time)."""
        return self._publish(set())

    def tick(self, now: datetime, visible: Iterable[int] = ()) -> list[tuple[int, Column]]:
        """Move to `now`; return the cells of the `visible` shown positions whose text,
        look or bar changed. Others are computed again when next painted."""
        minute = _minute(now) != _minute(self._now)
        previous = self._stamp
        self._now, self._moment = now, Moment(now, self._thresholds)
        self._stamp += 1
        at, shown, count = self._moment, self._shown, len(self._shown)
        changed: list[tuple[int, Column]] = []
        for position in visible:
            if not 0 <= position < count:
                continue
            entry = shown[position]
            cells = entry.cells
            if cells is None:
                continue  # never painted: nothing on screen to change
            if minute or entry.stamp != previous:  # (not on screen at the last tick)
                columns = (*_MINUTELY, *entry.ticking)
            else:
                columns = entry.ticking
            for column in columns:
                cell = COLUMNS[column].cell(entry.row, at)
                if cell != cells[column]:
                    cells[column] = cell
                    changed.append((position, column))
            entry.stamp = self._stamp
        return changed

    # ------------------------------------------------------------- internals
    def _filtered(self) -> list[LiveRow]:
        if not self._filter.active:
            return list(self._entries)
        return list(compress(self._entries, self._filter.mask(self._entries)))

    def _publish(self, changed: set[int]) -> RowDiff:
        """Work out what happened to the shown rows, and tell the listeners."""
        old, new = self._shown, self._filtered()
        self._shown = new
        return self._tell(shown_diff(old, new, changed))

    def _tell(self, diff: RowDiff) -> RowDiff:
        if diff:
            for listener in self._listeners:
                listener(diff)
        return diff

    def _reindex(self) -> None:
        self._index = {entry.key: position for position, entry in enumerate(self._entries)}

    def _sort_key(self, row: BoardRow) -> SortKey:
        return (self._sort_value(row), row.key)

    def _in_order(self, positions: Iterable[int]) -> bool:
        """Whether each of `positions` sits between its neighbours (in sort order)."""
        entries, last, descending = self._entries, len(self._entries) - 1, self._descending
        for p in positions:
            key = entries[p].sort_key
            before = entries[p - 1].sort_key if p > 0 else None
            after = entries[p + 1].sort_key if p < last else None
            if descending:
                before, after = after, before
            if (before is not None and before > key) or (after is not None and key > after):
                return False
        return True

    def _bisect(self, key: SortKey) -> int:
        """How many of our entries sort before `key`."""
        entries, descending = self._entries, self._descending
        lo, hi = 0, len(entries)
        while lo < hi:
            mid = (lo + hi) // 2
            other = entries[mid].sort_key
            if (other > key) if descending else (other < key):
                lo = mid + 1
            else:
                hi = mid
        return lo


def shown_diff(old: Sequence[LiveRow], new: Sequence[LiveRow], changed: set[int]) -> RowDiff:
    """The narrowest steps from `old` to `new` (entries compared by identity; `changed`
    holds the ids of entries whose row changed). Passes over whole lists only, most of
    them in C: a keystroke over 10,000 rows is a few milliseconds."""
    new_at = dict(zip(map(id, new), range(len(new)), strict=True))
    ats = [new_at.get(i) for i in map(id, old)]  # where each old entry went, if anywhere
    kept = [at for at in ats if at is not None]
    if kept != sorted(kept):
        return RowDiff(layout=tuple(new))
    removed = (
        [position for position, at in enumerate(ats) if at is None] if len(kept) < len(old) else []
    )
    added: list[int] = []
    if len(kept) < len(new):
        old_ids = set(map(id, old))
        added = [position for position, i in enumerate(map(id, new)) if i not in old_ids]
    removed_runs, added_runs = _runs(removed), _runs(added)
    if len(removed_runs) > MAX_RUNS or len(added_runs) > MAX_RUNS:
        return RowDiff(layout=tuple(new))
    changed_at: list[int] = []
    if changed:
        old_at = dict(zip(map(id, old), range(len(old)), strict=True))
        changed_at = sorted(old_at[i] for i in changed if i in old_at and i in new_at)
    inserted = tuple((first, tuple(new[first : last + 1])) for first, last in added_runs)
    return RowDiff(False, tuple(_runs(changed_at)), tuple(removed_runs), inserted)


def _by_key(entry: LiveRow) -> SortKey:
    return entry.sort_key


def _minute(now: datetime) -> int:
    return int(now.timestamp() // 60)


def _runs(positions: Sequence[int]) -> list[Span]:
    """Contiguous (first, last) runs of sorted positions."""
    runs: list[Span] = []
    for position in positions:
        if runs and position == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], position)
        else:
            runs.append((position, position))
    return runs
