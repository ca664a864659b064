"""Which of the board's columns show, and in which order: the header's context menu,
and a dialog driven by keyboard (C on the board).

A layout is the visible columns' names in their order left to right (`Column` names,
so it survives adding a column); saved views keep one, and the window remembers the
last. The title always shows: it is what the row is about, and it takes the spare room.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from noc_console.services.board.columns import COLUMNS, Column

HEADERS = {spec.column: spec.header for spec in COLUMNS}
NAMES = {
    Column.OUTBOX: "Outbox (⇅)",
    Column.PRIORITY: "Priority",
    Column.DUE: "Next due",
    Column.ID: "Id (SOURCE:ID)",
    Column.FORECAST: "Breach forecast",
}
#: Always shown (it takes the spare room).
FIXED = Column.TITLE
#: Left to right on a new board; the id says the source, so Source starts hidden.
DEFAULT_LAYOUT: tuple[str, ...] = tuple(
    c.name
    for c in (Column.PRIORITY, Column.OUTBOX, Column.ID, Column.CLIENT, Column.TITLE,
              Column.STATUS, Column.TIER, Column.ASSIGNEE, Column.AGE, Column.RESPONSE,
              Column.RESOLUTION, Column.DUE)
)  # fmt: skip


def label(column: Column) -> str:
    return NAMES.get(column, HEADERS[column])


def current_layout(header: QHeaderView) -> tuple[str, ...]:
    """The visible columns, left to right."""
    order = sorted(Column, key=header.visualIndex)
    return tuple(c.name for c in order if not header.isSectionHidden(c))


def apply_layout(header: QHeaderView, layout: Sequence[str]) -> None:
    """Show `layout`'s columns in its order, then the hidden ones; unknown names (a
    column since removed) are skipped, and the title shows whatever was saved."""
    wanted = [Column[name] for name in layout if name in Column.__members__]
    if FIXED not in wanted:
        wanted.insert(0, FIXED)
    order = wanted + [c for c in Column if c not in wanted]
    for position, column in enumerate(order):
        header.moveSection(header.visualIndex(column), position)
        header.setSectionHidden(column, column not in wanted)


def toggled(layout: Sequence[str], column: Column) -> tuple[str, ...]:
    """`layout` with `column` hidden, or shown at the end."""
    if column.name in layout:
        return tuple(name for name in layout if name != column.name)
    return (*layout, column.name)


class ColumnMenu(QMenu):
    """The header's context menu: a check per column, and "Columns…" for the order."""

    def __init__(
        self,
        header: QHeaderView,
        set_layout: Callable[[Sequence[str]], None],
        choose: Callable[[], None],
    ) -> None:
        super().__init__(header)
        self.setObjectName("columnMenu")
        for column in sorted(Column, key=header.visualIndex):
            action = self.addAction(label(column))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column is not FIXED)
            action.triggered.connect(
                lambda _on, c=column: set_layout(toggled(current_layout(header), c))
            )
        self.addSeparator()
        self.addAction("Columns…  (C)", choose)


class ColumnChooser(QDialog):
    """Space shows or hides the current column, Alt+Up / Alt+Down move it, Enter applies.

    Signals:
        chosen(object): the new layout (a tuple of column names).
    """

    chosen = Signal(object)

    def __init__(self, layout: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("columnChooser")
        self.setWindowTitle("Columns")
        box = QVBoxLayout(self)
        box.addWidget(QLabel("Space shows or hides · Alt+↑ / Alt+↓ move · Enter applies", self))
        self.list = QListWidget(self)
        shown = [Column[n] for n in layout if n in Column.__members__]
        for column in shown + [c for c in Column if c not in shown]:
            item = QListWidgetItem(label(column), self.list)
            item.setData(Qt.ItemDataRole.UserRole, column.name)
            flags = item.flags() | Qt.ItemFlag.ItemIsUserCheckable
            if column is FIXED:
                flags &= ~Qt.ItemFlag.ItemIsUserCheckable
            item.setFlags(flags)
            checked = column in shown or column is FIXED
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.setCurrentRow(0)
        box.addWidget(self.list)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self.list.installEventFilter(self)  # Alt+Up / Alt+Down before the list moves
        self.accepted.connect(lambda: self.chosen.emit(self.columns()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.list and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            steps = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: +1}
            if event.modifiers() == Qt.KeyboardModifier.AltModifier and event.key() in steps:
                self.move_current(steps[Qt.Key(event.key())])
                return True
        return super().eventFilter(watched, event)

    def columns(self) -> tuple[str, ...]:
        """The checked columns, top to bottom (left to right on the board)."""
        items = [self.list.item(i) for i in range(self.list.count())]
        return tuple(
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item.checkState() is Qt.CheckState.Checked
        )

    def move_current(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)
