"""The board's open incidents as plain Python: ordered, indexed, sorted, filtered, and
their cells computed once and kept until they change.

`LiveRows` is what the board and the wall show, without Qt. `apply` takes rows from
the engine and returns a `RowDiff` — what changed, in the narrowest terms that are
true — which a Qt model replays as begin/end notifications (`views/board_model.py`;
napari's evented lists and qutebrowser's download manager work the same way);
listeners get each diff as it happens. `tick` moves "now" and says which visible cells
now show something else: most countdowns change once a minute, stopped and paused
ones never, so most ticks repaint a few cells or none.

Rows stay in sort order here (stored deadlines and cached keys, never "time left"),
so no proxy sorts 10,000 rows through `data()`. Everything runs on the GUI thread;
`rows()` is a snapshot a worker may read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import IncidentKey
from noc_console.models.sla_clock import DEFAULT_THRESHOLDS, SlaThresholds
from noc_console.services.board_columns import COLUMNS, Cell, Changes, Column, Moment
from noc_console.services.row_filter import RowFilter

#: Runs of new rows put in their places one by one; more take one reorder instead.
MAX_INSERT_RUNS = 8
SortKey = tuple[float | str, IncidentKey]
Span = tuple[int, int]  # first and last position, inclusive

_MINUTELY = tuple(s.column for s in COLUMNS if s.changes is Changes.EVERY_MINUTE)
_CLOCKS = tuple(
    (s.column, s.clock) for s in COLUMNS if s.changes is Changes.EVERY_SECOND and s.clock
)


class LiveRow:
    """One open incident: its frozen row, its sort key, and its cells once painted."""

    __slots__ = ("cells", "haystack", "key", "row", "sort_key", "stamp", "ticking")

    def __init__(self, row: BoardRow, sort_key: SortKey) -> None:
        self.key = row.key
        self.sort_key = sort_key
        self.row = row
        self.cells: list[Cell] | None = None  # every column's cell, computed when asked
        self.stamp = -1  # the tick the time-dependent cells were computed at
        self.haystack: str | None = None  # search text (row_filter.search_text)
        self.ticking = _ticking(row)

    def replace(self, row: BoardRow, sort_key: SortKey) -> None:
        self.row, self.sort_key = row, sort_key
        self.cells = self.haystack = None
        self.ticking = _ticking(row)


def _ticking(row: BoardRow) -> tuple[Column, ...]:
    """The countdown columns whose clock runs (stopped and paused ones never change)."""
    return tuple(column for column, clock_of in _CLOCKS if (c := clock_of(row)) and c.running)


@dataclass(frozen=True, slots=True)
class RowDiff:
    """What one change did to the order, in the steps a list (or a Qt model) replays:

    1. `changed`: runs of positions whose rows have new data (positions before step 2);
    2. `removed`: runs to delete (positions before any deletion; delete the last first);
    3. `inserted`: (position, rows) to insert in this order, each at its position in
       the list as it is by then;
    4. `order`: if not None, the rows were reordered: new[i] = old[order[i]].

    With `reset`, everything was replaced: read the rows again.
    """

    reset: bool = False
    changed: tuple[Span, ...] = ()
    removed: tuple[Span, ...] = ()
    inserted: tuple[tuple[int, tuple[LiveRow, ...]], ...] = ()
    order: tuple[int, ...] | None = None

    def __bool__(self) -> bool:
        return bool(self.reset or self.changed or self.removed or self.inserted or self.order)


Listener = Callable[[RowDiff], None]


class LiveRows:
    """The open incidents in sort order, with their cells and the current filter."""

    def __init__(self, now: datetime, thresholds: SlaThresholds = DEFAULT_THRESHOLDS) -> None:
        self._entries: list[LiveRow] = []
        self._index: dict[IncidentKey, int] = {}
        self._thresholds = thresholds
        self._now = now
        self._moment = Moment(now, thresholds)
        self._stamp = 0
        self._sort_column = Column.DUE
        self._descending = False
        self._filter = RowFilter()
        self._mask: list[bool] | None = None
        self._listeners: list[Listener] = []

    # ------------------------------------------------------------- reading
    def __len__(self) -> int:
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
    def descending(self) -> bool:
        return self._descending

    def rows(self) -> tuple[BoardRow, ...]:
        """The rows in order: a snapshot, safe to hand to a worker thread."""
        return tuple(e.row for e in self._entries)

    def entries(self) -> list[LiveRow]:
        """The entries in order (a copy: a model keeps it and replays diffs on it)."""
        return list(self._entries)

    def at(self, position: int) -> LiveRow:
        return self._entries[position]

    def position(self, key: IncidentKey) -> int | None:
        return self._index.get(key)

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
            return self._done(RowDiff(reset=True))
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
        changed.sort()
        removed.sort()
        for first, last in reversed(_runs(removed)):
            del entries[first : last + 1]
        moved = bool(changed) and not self._in_order(_shifted(changed, removed))
        inserted: tuple[tuple[int, tuple[LiveRow, ...]], ...] = ()
        if added:
            added.sort(key=_by_key, reverse=self._descending)
            places = None if moved else self._places(added)
            if places is None:  # append, and let the reorder put them in place
                inserted = ((len(entries), tuple(added)),)
                entries.extend(added)
                moved = moved or not self._in_order(range(len(entries) - len(added), len(entries)))
            else:
                inserted = places
                for position, run in places:
                    entries[position:position] = run
        order = self._reorder() if moved else None
        diff = RowDiff(False, tuple(_runs(changed)), tuple(_runs(removed)), inserted, order)
        return self._done(diff)

    def sort(self, column: Column, descending: bool = False) -> RowDiff:
        """Sort by `column` (cheap Python keys; at most one reorder)."""
        self._sort_column, self._descending = column, descending
        for entry in self._entries:
            entry.sort_key = self._sort_key(entry.row)
        if self._in_order(range(len(self._entries))):
            return RowDiff()
        return self._done(RowDiff(order=self._reorder()))

    def tick(self, now: datetime, visible: Iterable[int] = ()) -> list[tuple[int, Column]]:
        """Move to `now`; return the cells of the `visible` positions whose text, look or
        bar changed. Others are computed again when next painted."""
        minute = _minute(now) != _minute(self._now)
        previous = self._stamp
        self._now, self._moment = now, Moment(now, self._thresholds)
        self._stamp += 1
        at, entries, count = self._moment, self._entries, len(self._entries)
        changed: list[tuple[int, Column]] = []
        for position in visible:
            if not 0 <= position < count:
                continue
            entry = entries[position]
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

    # ------------------------------------------------------------- filtering
    @property
    def filter(self) -> RowFilter:
        return self._filter

    def set_filter(self, row_filter: RowFilter) -> bool:
        """Filter by `row_filter`; False when it is the one in use already."""
        if row_filter == self._filter:
            return False
        self._filter, self._mask = row_filter, None
        return True

    def refilter(self) -> None:
        """Forget the verdicts (a predicate whose answers move with time)."""
        self._mask = None

    def accepts_at(self, position: int) -> bool:
        """Whether the filter shows the row at `position` (one list item, once the mask
        is built: a pass over every row after each change)."""
        mask = self._mask
        if mask is None:
            mask = self._mask = self._filter.mask(self._entries)
        return mask[position]

    def accepts(self, entry: LiveRow) -> bool:
        """Whether the filter shows `entry` (for a view whose positions are not ours
        yet, while it replays a diff)."""
        return self._filter.accepts(entry)

    # ------------------------------------------------------------- internals
    def _done(self, diff: RowDiff) -> RowDiff:
        if diff.reset or diff.removed or diff.inserted or diff.order is not None:
            self._index = {entry.key: position for position, entry in enumerate(self._entries)}
        self._mask = None
        for listener in self._listeners:
            listener(diff)
        return diff

    def _sort_key(self, row: BoardRow) -> SortKey:
        return (COLUMNS[self._sort_column].sort(row), row.key)

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

    def _places(self, added: list[LiveRow]) -> tuple[tuple[int, tuple[LiveRow, ...]], ...] | None:
        """Where sorted new entries go among ours, as runs (None: too many runs)."""
        runs: list[tuple[int, list[LiveRow]]] = []
        for earlier, entry in enumerate(added):  # the earlier ones go in before it
            at = self._bisect(entry.sort_key) + earlier
            if runs and runs[-1][0] + len(runs[-1][1]) == at:
                runs[-1][1].append(entry)
            elif len(runs) == MAX_INSERT_RUNS:
                return None
            else:
                runs.append((at, [entry]))
        return tuple((position, tuple(run)) for position, run in runs)

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

    def _reorder(self) -> tuple[int, ...]:
        entries = self._entries
        order = sorted(range(len(entries)), key=lambda i: entries[i].sort_key,
                       reverse=self._descending)  # fmt: skip
        self._entries = [entries[i] for i in order]
        return tuple(order)


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


def _shifted(positions: list[int], removed: list[int]) -> list[int]:
    """Sorted `positions` as they are once the sorted `removed` ones are gone."""
    if not removed:
        return positions
    shifted, gone = [], 0
    for position in positions:
        while gone < len(removed) and removed[gone] < position:
            gone += 1
        shifted.append(position - gone)
    return shifted
