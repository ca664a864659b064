"""The board's Qt item model: a thin adapter over frozen `BoardRow`s.

Rows arrive as `BoardUpdate`s from the engine; `apply` turns them into the narrowest
true notification (ranged inserts and removes, `dataChanged` for changed rows) and
resets only for a full snapshot. `tick` moves "now" and emits `dataChanged` for the
countdown columns alone; texts are computed in `data()` from stored due dates, so a
tick costs only the cells the view actually repaints.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import IncidentKey
from noc_console.models.sla_clock import DEFAULT_THRESHOLDS, ClockState, SlaClock, SlaThresholds
from noc_console.models.text_limits import capped
from noc_console.services.board_feed import BoardUpdate
from noc_console.views import format as fmt
from noc_console.views.plain_text import tooltip
from noc_console.views.theme import PRIORITY_COLOURS, STATE_COLOURS, tokens

Index = QModelIndex | QPersistentModelIndex

#: Custom item roles (named so views, proxies and tests never use bare numbers).
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # a value that sorts the column correctly
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the whole BoardRow
STATE_ROLE = Qt.ItemDataRole.UserRole + 3  # ClockState of a countdown cell
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 4  # share of an SLA target used (0.0 … 1.0+)


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


COLUMN_COUNT = len(Column)  # Qt asks for it with every index; len(Enum) is slow
HEADERS = {
    Column.PRIORITY: "Pri",
    Column.OUTBOX: "⇅",
    Column.CLIENT: "Client",
    Column.TITLE: "Title",
    Column.STATUS: "Status",
    Column.TIER: "Tier",
    Column.ASSIGNEE: "Assignee",
    Column.AGE: "Age",
    Column.RESPONSE: "Response",
    Column.RESOLUTION: "Resolution",
    Column.DUE: "Next due",
    Column.SOURCE: "Source",
}
COUNTDOWN_ROLES = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.ToolTipRole,
    STATE_ROLE,
]
_SERVED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        SORT_ROLE,
        ROW_ROLE,
        STATE_ROLE,
        PROGRESS_ROLE,
    }
)
_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)
_INF = float("inf")
_CENTRED = int(Qt.AlignmentFlag.AlignCenter)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class BoardModel(QAbstractTableModel):
    """Open incidents, one per row, in the order the engine delivered them.

    Signals: only those of QAbstractTableModel.
    """

    def __init__(
        self, now: datetime, thresholds: SlaThresholds = DEFAULT_THRESHOLDS, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._thresholds = thresholds
        self._rows: list[BoardRow] = []
        self._index: dict[IncidentKey, int] = {}
        self._now = now
        self._age_minute = self._minute(now)
        self._colours = {
            key: (QColor(bg), QColor(fg)) for key, (bg, fg) in PRIORITY_COLOURS.items()
        }
        self._state_colours = {
            state: (QColor(pair[0]) if pair[0] else None, QColor(pair[1])) if pair else None
            for state, pair in STATE_COLOURS.items()
        }
        self._state_colours[ClockState.MET] = (None, QColor(tokens()["met"]))
        self._muted = QColor(tokens()["muted"])
        self._pending = QColor("#9ecbff")
        self._failed = QColor(tokens()["offline"])
        self._conflict = QColor(tokens()["warning"])
        self._sort_column = Column.DUE
        self._descending = False
        self._sort_keys: dict[IncidentKey, Any] = {}
        self._cells: dict[int, tuple[SlaClock, ClockState, bool, str]] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    @property
    def thresholds(self) -> SlaThresholds:
        """When clocks turn warning and critical (the configured SLA thresholds)."""
        return self._thresholds

    # ----------------------------------------------------------- Qt interface
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(Column):
            return HEADERS[Column(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _SERVED_ROLES:  # most roles a delegate asks for at paint: answer fast
            return None
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if column in (Column.RESPONSE, Column.RESOLUTION):
            clock = row.response if column == Column.RESPONSE else row.resolution
            return self._countdown_data(
                clock, role, "Response" if column == Column.RESPONSE else "Resolution"
            )
        if column == Column.OUTBOX and role not in (SORT_ROLE, ROW_ROLE):
            return self._outbox_data(row, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if column == Column.PRIORITY:
            if role == Qt.ItemDataRole.BackgroundRole:
                return self._colours[row.priority][0]
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._colours[row.priority][1]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _CENTRED
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
        if role == SORT_ROLE:
            return self._sort_value(row, column)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.TITLE:
            return tooltip(f"{capped(str(row.key))}\n{capped(row.title)}")
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.AGE, Column.DUE):
            return _RIGHT
        return None

    # ----------------------------------------------------------- updates
    def apply(self, update: BoardUpdate) -> None:
        """Apply an engine update with the narrowest notifications that are true.

        Rows stay in the current sort order: changed and new rows are put in place by
        one layout change, not by a sort in the proxy (which would call `data()` from
        C++ for every comparison).
        """
        if update.full:
            self.beginResetModel()
            self._rows = [r for r in update.rows if r.is_open]
            self._refresh_sort_keys()
            keys = self._sort_keys
            self._rows.sort(key=lambda r: keys[r.key], reverse=self._descending)
            self._reindex()
            self._cells.clear()
            self.endResetModel()
            return
        self._cells.clear()
        changed: list[int] = []
        removed: list[int] = []
        added: list[BoardRow] = []
        for row in update.rows:
            position = self._index.get(row.key)
            if position is None:
                if row.is_open:
                    added.append(row)
            elif row.is_open:
                self._rows[position] = row
                self._sort_keys[row.key] = self._sort_key(row)
                changed.append(position)
            else:
                removed.append(position)
        for first, last in _ranges(changed):
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(Column) - 1))
        for position in removed:
            self._sort_keys.pop(self._rows[position].key, None)
        for first, last in reversed(_ranges(removed)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            self.endRemoveRows()
        if removed:
            self._reindex()
        if added:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(added) - 1)
            self._rows.extend(added)
            for offset, row in enumerate(added):
                self._index[row.key] = start + offset
            self._refresh_sort_keys(added)
            self.endInsertRows()
        if changed or added:
            if removed:  # positions moved under the changed rows: check them all
                self._reorder()
            else:
                new = range(len(self._rows) - len(added), len(self._rows))
                self._reorder([*changed, *new])

    # ----------------------------------------------------------- sorting
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows themselves (cheap Python keys, one layout change)."""
        self._sort_column = Column(column) if 0 <= column < len(Column) else Column.DUE
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._refresh_sort_keys()
        self._reorder()

    @property
    def sort_column(self) -> Column:
        return self._sort_column

    def _reorder(self, changed: list[int] | None = None) -> None:
        """Restore the sort order with one layout change, if it was broken.

        With `changed` (positions of changed or new rows), only their neighbourhoods are
        checked first: a batch that moves nothing costs no layout change at all.
        """
        keys = self._sort_keys
        if changed is not None and self._in_order(changed):
            return
        ordered = sorted(self._rows, key=lambda r: keys[r.key], reverse=self._descending)
        self.layoutAboutToBeChanged.emit()
        old_rows = self._rows
        self._rows = ordered
        self._reindex()
        old = self.persistentIndexList()
        new = []
        for index in old:
            position = self._index.get(old_rows[index.row()].key)
            new.append(QModelIndex() if position is None else self.index(position, index.column()))
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def _in_order(self, positions: list[int]) -> bool:
        rows, keys, last = self._rows, self._sort_keys, len(self._rows) - 1
        for p in positions:
            key = keys[rows[p].key]
            before = keys[rows[p - 1].key] if p > 0 else None
            after = keys[rows[p + 1].key] if p < last else None
            if self._descending:
                before, after = after, before
            if (before is not None and before > key) or (after is not None and key > after):
                return False
        return True

    def _refresh_sort_keys(self, rows: Sequence[BoardRow] | None = None) -> None:
        if rows is None:
            self._sort_keys = {row.key: self._sort_key(row) for row in self._rows}
        else:
            for row in rows:
                self._sort_keys[row.key] = self._sort_key(row)

    def _sort_key(self, row: BoardRow) -> Any:
        column = self._sort_column
        if column == Column.RESPONSE or column == Column.RESOLUTION:
            clock = row.response if column == Column.RESPONSE else row.resolution
            due = clock.due_at.timestamp() if clock is not None and clock.running else _INF
            return (due, row.key)
        if column == Column.DUE:
            return (row.next_deadline.timestamp() if row.next_deadline else _INF, row.key)
        return (self._sort_value(row, column), row.key)

    def tick(self, now: datetime, visible: Sequence[int] | None = None) -> None:
        """Move the board to `now`: countdowns change (and ages, once a minute).

        With `visible` (source rows on screen), `dataChanged` is emitted cell by cell
        for those rows' two countdowns only: views then repaint just those cells, where
        a range over every row makes a view repaint its whole viewport.
        """
        self._now = now
        self._cells.clear()
        if not self._rows:
            return
        last = len(self._rows) - 1
        if visible is None:
            self.dataChanged.emit(
                self.index(0, Column.RESPONSE), self.index(last, Column.RESOLUTION),
                COUNTDOWN_ROLES,
            )  # fmt: skip
        else:
            for row in visible:
                if 0 <= row <= last:
                    for column in (Column.RESPONSE, Column.RESOLUTION):
                        cell = self.index(row, column)
                        self.dataChanged.emit(cell, cell, COUNTDOWN_ROLES)
        minute = self._minute(now)
        if minute != self._age_minute:
            self._age_minute = minute
            self.dataChanged.emit(
                self.index(0, Column.AGE),
                self.index(last, Column.AGE),
                [Qt.ItemDataRole.DisplayRole],
            )

    @property
    def now(self) -> datetime:
        return self._now

    def rows(self) -> Sequence[BoardRow]:
        return tuple(self._rows)

    def row_at(self, position: int) -> BoardRow:
        return self._rows[position]

    # ----------------------------------------------------------- helpers
    def _text(self, row: BoardRow, column: int) -> str:
        if column == Column.PRIORITY:
            return row.priority.value
        if column == Column.CLIENT:  # ticket text, capped: the view elides every repaint
            return capped(row.client_name)
        if column == Column.TITLE:
            return capped(row.title)
        if column == Column.STATUS:
            return row.status.label
        if column == Column.TIER:
            return row.tier.value
        if column == Column.ASSIGNEE:
            return capped(row.assignee) if row.assignee else "unassigned"
        if column == Column.AGE:
            return fmt.duration(self._now - row.created_at)
        if column == Column.DUE:
            return _local_time(row.next_deadline, self._now) if row.next_deadline else "—"
        if column == Column.SOURCE:
            return row.key.source
        return ""

    def _countdown_data(self, clock: SlaClock | None, role: int, name: str) -> Any:
        if clock is None:
            return "—" if role == Qt.ItemDataRole.DisplayRole else None
        if role == SORT_ROLE:
            return clock.due_at.timestamp() if clock.running else float("inf")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT
        if role == ROW_ROLE:
            return None
        state, off_hours, text = self._clock_cell(clock)
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == STATE_ROLE:
            return state
        if role == PROGRESS_ROLE:
            return None if state is ClockState.MET else clock.fraction_used(self._now)
        if off_hours and state is ClockState.OK and role == Qt.ItemDataRole.ForegroundRole:
            return self._muted
        colours = self._state_colours[state]
        if role == Qt.ItemDataRole.BackgroundRole:
            return colours[0] if colours else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return colours[1] if colours else None
        if role == Qt.ItemDataRole.FontRole and state is ClockState.BREACHED:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            used = clock.fraction_used(self._now) * 100
            tip = (
                f"{name} due {clock.due_at.astimezone():%a %d %b %H:%M} "
                f"({clock.origin.value}, {clock.calendar.name} hours); "
                f"{used:.0f}% of {fmt.duration(clock.target)} used"
            )
            if off_hours:
                tip += f"\nOutside {clock.calendar.name} business hours: not counting now"
            return tooltip(tip)
        return None

    def _clock_cell(self, clock: SlaClock) -> tuple[ClockState, bool, str]:
        """State, off-hours flag and text of a countdown at the current tick.

        A repaint asks each cell for half a dozen roles; the calendar arithmetic runs
        once per cell per tick (the cache is cleared when time moves or rows change).
        """
        cell = self._cells.get(id(clock))
        if cell is None or cell[0] is not clock:
            state = clock.state(self._now, self._thresholds)
            off_hours = clock.running and not clock.calendar.is_open(self._now)
            stopped = clock.stopped_at is not None
            text = fmt.countdown(clock.remaining(self._now), state, stopped, off_hours)
            cell = (clock, state, off_hours, text)
            self._cells[id(clock)] = cell
        return cell[1], cell[2], cell[3]

    def _outbox_data(self, row: BoardRow, role: int) -> Any:
        """Queued triage actions: ↻ pending, ✗ failed, ⚠ conflict (worst first)."""
        if row.conflicted_actions:
            mark, colour, what = f"⚠{row.conflicted_actions}", self._conflict, "in conflict"
        elif row.failed_actions:
            mark, colour, what = f"✗{row.failed_actions}", self._failed, "failed"
        elif row.pending_actions:
            mark, colour, what = f"↻{row.pending_actions}", self._pending, "waiting to be sent"
        else:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return mark
        if role == Qt.ItemDataRole.ForegroundRole:
            return colour
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTRED
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"Triage actions: {row.pending_actions} waiting to be sent, "
                f"{row.failed_actions} failed, {row.conflicted_actions} in conflict ({what})"
            )
        return None

    def _sort_value(self, row: BoardRow, column: int) -> Any:
        if column == Column.PRIORITY:
            return row.priority.rank
        if column == Column.AGE:
            return row.created_at.timestamp()
        if column == Column.OUTBOX:
            return row.conflicted_actions * 10_000 + row.failed_actions * 100 + row.pending_actions
        if column == Column.DUE:
            return (row.next_deadline or _FAR_FUTURE).timestamp()
        return self._text(row, column).casefold()

    def _reindex(self) -> None:
        self._index = {row.key: position for position, row in enumerate(self._rows)}

    @staticmethod
    def _minute(now: datetime) -> int:
        return int(now.timestamp() // 60)


def _ranges(positions: list[int]) -> list[tuple[int, int]]:
    """Contiguous (first, last) runs of the sorted positions."""
    runs: list[tuple[int, int]] = []
    for position in sorted(positions):
        if runs and position == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], position)
        else:
            runs.append((position, position))
    return runs


def _local_time(when: datetime, now: datetime) -> str:
    local = when.astimezone()
    if abs(when - now) < timedelta(hours=20):
        return f"{local:%H:%M}"
    return f"{local:%d %b %H:%M}"
