"""The board's column widths: the title takes the spare room, the rest give way first.

A `QHeaderView` in Stretch mode gives the stretching column what the others leave —
down to a few characters once the window is narrow, while Source and Client keep
their full widths. `ColumnFit` sets the other columns' widths whenever the table's
width or its visible columns change: their preferred widths while the title keeps
`TITLE_ROOM` of the table, else each shrunk toward its compact width by the same
share; only when even compact columns leave the title less does a scroll bar appear.
A width the user drags a column to (or a restored one) becomes that column's preferred.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QHeaderView, QTableView

from noc_console.services.board.columns import COLUMNS, Column

#: The share of the table's width the title keeps before the other columns shrink.
TITLE_ROOM = 0.25
#: Narrowest useful widths (the header's words, a short countdown); unlisted: fixed.
COMPACT: dict[Column, int] = {
    Column.ID: 114,
    Column.CLIENT: 104,
    Column.STATUS: 100,
    Column.ASSIGNEE: 84,
    Column.AGE: 62,
    Column.RESPONSE: 96,
    Column.RESOLUTION: 100,
    Column.DUE: 100,
    Column.SOURCE: 52,
}
PREFERRED = {spec.column: spec.width for spec in COLUMNS if spec.width is not None}
STRETCHING = [spec.column for spec in COLUMNS if spec.width is None]


class ColumnFit(QObject):
    """Keeps `table`'s column widths fitted to its width. Signals: none."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self._table = table
        header = table.horizontalHeader()
        for column in PREFERRED:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, PREFERRED[column])
        for column in STRETCHING:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        table.viewport().installEventFilter(self)
        self._width = -1
        self._fitting = False
        self.preferred = dict(PREFERRED)
        header.sectionResized.connect(self._resized)

    def _resized(self, column: int, _old: int, new: int) -> None:
        """The user dragged a column (or a saved layout came back): keep that width."""
        if not self._fitting and new > 0 and Column(column) in self.preferred:
            self.preferred[Column(column)] = new

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self._table.viewport():
            width = self._table.viewport().width()
            if width != self._width:
                self._width = width
                self.fit()
        return False

    def fit(self) -> None:
        """Set the widths of the visible columns other than the title (once the table
        is on screen: before, its width means nothing and the first resize fits it)."""
        if not self._table.isVisible():
            return
        header = self._table.horizontalHeader()
        preferred = self.preferred
        shown = [c for c in preferred if not header.isSectionHidden(c)]
        room = self._table.viewport().width() * (1 - TITLE_ROOM)
        compact = {c: min(preferred[c], COMPACT.get(c, preferred[c])) for c in shown}
        wide = sum(preferred[c] for c in shown)
        narrow = sum(compact.values())
        share = 1.0 if wide <= room else max(0.0, (room - narrow) / max(1, wide - narrow))
        self._fitting = True
        try:
            for column in shown:
                width = round(compact[column] + (preferred[column] - compact[column]) * share)
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False
