"""The board's Qt item model: a thin adapter over the rows `LiveRows` shows.

It keeps the entries in the order it has told its views about, and replays each
`RowDiff` on them between the matching begin/end calls — ranged `dataChanged`,
removes and inserts, one layout change for a reorder or a new filter, a reset only
for a full snapshot (napari's `_BaseEventedItemModel`, qutebrowser's `DownloadModel`).
Every answer comes from the live rows' cached cells and the column table.

Filtering and sorting are the live rows' too, so there is no proxy: a
`QSortFilterProxyModel` calls into Python for every row each time the rows reorder
(about as much as a repaint at 10,000 rows), and would sort through `data()` with
~150,000 comparisons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import IncidentKey
from noc_console.models.sla_clock import SlaThresholds
from noc_console.services.board.board_order import Order
from noc_console.services.board.columns import COLUMN_COUNT, COLUMNS, STATE_OF_LOOK, Cell, Column
from noc_console.services.board.feed import BoardUpdate
from noc_console.services.board.live_rows import LiveRow, LiveRows, RowDiff
from noc_console.services.board.row_filter import RowFilter, RowPredicate
from noc_console.views.board.cell_style import ALIGNMENTS, cell_styles
from noc_console.views.plain_text import tooltip

Index = QModelIndex | QPersistentModelIndex

#: Custom item roles (named so views and tests never use bare numbers).
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # a value that sorts the column correctly
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the whole BoardRow
STATE_ROLE = Qt.ItemDataRole.UserRole + 3  # ClockState of a countdown cell
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 4  # share of an SLA target used (0.0 … 1.0)
HEADERS = {spec.column: spec.header for spec in COLUMNS}
_ALIGN = [int(ALIGNMENTS[spec.align].value) for spec in COLUMNS]
_LAST = COLUMN_COUNT - 1
_COUNTDOWNS = frozenset(spec.column for spec in COLUMNS if spec.clock is not None)
_DISPLAY = Qt.ItemDataRole.DisplayRole
_CELL_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        STATE_ROLE,
        PROGRESS_ROLE,
    }
)
_SERVED_ROLES = _CELL_ROLES | {
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.TextAlignmentRole,
    SORT_ROLE,
    ROW_ROLE,
}


class BoardModel(QAbstractTableModel):
    """The open incidents the filter shows, one per row, in the live rows' order.

    Signals: only those of QAbstractTableModel.
    """

    def __init__(self, live: LiveRows, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.live = live
        self._entries: list[LiveRow] = live.shown()
        self._order = live.order or Order.DEADLINE  # what a header without indicator means
        self._styles = cell_styles()
        self._bold = QFont()
        self._bold.setBold(True)
        live.subscribe(self._replay)

    @property
    def thresholds(self) -> SlaThresholds:
        return self.live.thresholds

    @property
    def now(self) -> datetime:
        return self.live.now

    @property
    def sort_column(self) -> Column:
        return self.live.sort_column

    def rows(self) -> tuple[BoardRow, ...]:
        """The rows shown, in order."""
        return tuple(entry.row for entry in self._entries)

    def position_of(self, key: IncidentKey | None) -> int | None:
        """Where the row of `key` is shown, if it is (a scan: for one action, not per row)."""
        for position, entry in enumerate(self._entries):
            if entry.key == key:
                return position
        return None

    def row_at(self, position: int) -> BoardRow:
        return self._entries[position].row

    def cell(self, row: int, column: int) -> Cell:
        """What the cell shows (what the cell delegate paints from)."""
        return self.live.cells(self._entries[row])[column]

    # ----------------------------------------------------------- filtering
    def set_text(self, text: str) -> None:
        """Show rows whose id, client, title or assignee contain `text` (any case)."""
        self._filter(text=text.strip().casefold())

    def set_clients(self, client_ids: frozenset[str]) -> None:
        """Show only these clients' rows; an empty set shows every client."""
        self._filter(clients=frozenset(client_ids))

    def set_predicate(self, predicate: RowPredicate | None) -> None:
        """Show only rows for which `predicate` holds (a queue not counted yet)."""
        self._filter(predicate=predicate, members=None)

    def set_members(self, members: frozenset[IncidentKey] | None) -> None:
        """Show only these incidents (a counted queue); None shows all. The same
        members again change nothing."""
        self._filter(predicate=None, members=members)

    @property
    def filtering(self) -> bool:
        return self.live.filter.active

    def refresh(self) -> None:
        """Ask the filter again (a queue predicate whose answers move with time)."""
        if self.filtering:
            self.live.refilter()

    def _filter(self, **changes: Any) -> None:
        row_filter: RowFilter = replace(self.live.filter, **changes)
        self.live.set_filter(row_filter)

    # ----------------------------------------------------------- Qt interface
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        """Qt's own `index` asks `rowCount` and `columnCount` (two calls into Python)
        for every index a view makes; one call answers here."""
        if 0 <= row < len(self._entries) and 0 <= column < COLUMN_COUNT and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < COLUMN_COUNT:
            return HEADERS[Column(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _SERVED_ROLES:  # most roles a delegate asks for: answer fast
            return None
        position = index.row()
        if not 0 <= position < len(self._entries) or not index.isValid():
            return None
        entry = self._entries[position]
        column = index.column()
        if role in _CELL_ROLES:
            return self._cell_data(entry, column, role)
        if role == ROW_ROLE:
            return entry.row
        if role == SORT_ROLE:
            return COLUMNS[column].sort(entry.row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN[column]
        tip = self.live.tip(entry, Column(column))
        return tooltip(tip) if tip else None

    def multiData(self, index: Index, roleDataSpan: Any) -> None:  # noqa: N803 (Qt's names)
        """Every role a delegate asks for at paint (Qt 6 asks seven at once), answered
        by one call into Python instead of one `data()` call per role."""
        data = self.data
        for item in roleDataSpan:
            value = data(index, item.role())
            if value is None:
                item.clearData()  # the delegate reuses these slots from cell to cell
            else:
                item.setData(value)

    def _cell_data(self, entry: LiveRow, column: int, role: int) -> Any:
        cell = self.live.cells(entry)[column]
        if role == _DISPLAY:
            return cell.text or None
        if role == PROGRESS_ROLE:
            return cell.bar
        if role == STATE_ROLE:
            return STATE_OF_LOOK.get(cell.look) if column in _COUNTDOWNS else None
        style = self._styles[cell.look]
        if role == Qt.ItemDataRole.BackgroundRole:
            return style.background
        if role == Qt.ItemDataRole.ForegroundRole:
            return style.foreground
        return self._bold if style.bold else None

    # ----------------------------------------------------------- changes
    def apply(self, update: BoardUpdate) -> None:
        """Apply rows to the live rows (this model replays the diff, as every listener
        does): for tools and tests that drive a model without a controller."""
        self.live.apply(update.rows, update.full)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the live rows themselves (cheap Python keys, one layout change); no
        column (a header without a sort indicator) is the named order chosen last."""
        if 0 <= column < COLUMN_COUNT:
            self.live.sort(Column(column), order == Qt.SortOrder.DescendingOrder)
        else:
            self.live.arrange(self._order)

    def set_order(self, order: Order) -> None:
        """Put the rows in a named order (`services/board/board_order.py`)."""
        self._order = order
        self.live.arrange(order)

    def tick(self, now: datetime, visible: Sequence[int] = ()) -> None:
        """Move to `now`; `dataChanged` for the cells of the `visible` rows that now show
        something else (one per run of neighbouring cells in a row)."""
        changed = self.live.tick(now, visible)
        run: tuple[int, int, int] | None = None  # row, first column, last column
        for position, column in changed:
            if run is not None and run[0] == position and run[2] + 1 == column:
                run = (position, run[1], column)
                continue
            if run is not None:
                self._cells_changed(*run)
            run = (position, column, column)
        if run is not None:
            self._cells_changed(*run)

    def _cells_changed(self, row: int, first: int, last: int) -> None:
        self.dataChanged.emit(self.index(row, first), self.index(row, last))

    def _replay(self, diff: RowDiff) -> None:
        """Tell the views what `diff` did, step by step, keeping our entries in step."""
        if diff.reset:
            self.beginResetModel()
            self._entries = self.live.shown()
            self.endResetModel()
            return
        if diff.layout is not None:
            self._relayout(diff.layout)
            return
        entries = self._entries
        for first, last in diff.changed:
            self.dataChanged.emit(self.index(first, 0), self.index(last, _LAST))
        for first, last in reversed(diff.removed):
            self.beginRemoveRows(QModelIndex(), first, last)
            del entries[first : last + 1]
            self.endRemoveRows()
        for position, run in diff.inserted:
            self.beginInsertRows(QModelIndex(), position, position + len(run) - 1)
            entries[position:position] = run
            self.endInsertRows()

    def _relayout(self, shown: Sequence[LiveRow]) -> None:
        """One layout change to `shown`; a persistent index (the selection, the current
        row) follows its row, or becomes invalid if the row is no longer shown."""
        self.layoutAboutToBeChanged.emit()
        old, self._entries = self._entries, list(shown)
        at = {id(entry): position for position, entry in enumerate(self._entries)}
        before = self.persistentIndexList()
        after = []
        for index in before:
            position = at.get(id(old[index.row()]))
            after.append(
                QModelIndex() if position is None else self.index(position, index.column())
            )
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()
