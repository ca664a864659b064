"""The side list of escalation queues with their live counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from noc_console.services.board.queues import Queue
from noc_console.views.theme import tokens

ALARMING = {"escalate", "at_risk", "breached", "likely", "major"}  # counts in amber when above zero


class QueueList(QTreeWidget):
    """One row per queue: its name and, right-aligned, how many incidents it holds.

    Signals:
        queue_selected(str): the key of the queue the user picked.
    """

    queue_selected = Signal(str)

    def __init__(self, queues: Sequence[Queue], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queues")
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 64)
        self._alarm = QBrush(QColor(tokens()["warning"]))
        self._quiet = QBrush(QColor(tokens()["muted"]))
        self._normal = QBrush(QColor(tokens()["text"]))
        self._items: list[QTreeWidgetItem] = []  # one per queue, in order; never removed
        for queue in queues:
            item = QTreeWidgetItem([queue.label, ""])
            item.setData(0, Qt.ItemDataRole.UserRole, queue.key)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.addTopLevelItem(item)
            self._items.append(item)
        if self._items:
            self.setCurrentItem(self._items[0])
        self.currentItemChanged.connect(self._changed)
        self.setMinimumWidth(240)

    @property
    def current_key(self) -> str:
        item = self.currentItem()
        return str(item.data(0, Qt.ItemDataRole.UserRole)) if item is not None else "all"

    def select(self, key: str) -> None:
        for item in self._items:
            if item.data(0, Qt.ItemDataRole.UserRole) == key:
                self.setCurrentItem(item)

    def count_of(self, key: str) -> int:
        for item in self._items:
            if item.data(0, Qt.ItemDataRole.UserRole) == key:
                return int(item.text(1) or 0)
        return 0

    def set_counts(self, counts: Mapping[str, int]) -> None:
        for item in self._items:
            key = str(item.data(0, Qt.ItemDataRole.UserRole))
            count = counts.get(key, 0)
            if item.text(1) != str(count):
                item.setText(1, str(count))
            brush = self._normal
            if key in ALARMING:
                brush = self._alarm if count else self._quiet
            for column in (0, 1):
                item.setForeground(column, brush)

    def _changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self.queue_selected.emit(str(current.data(0, Qt.ItemDataRole.UserRole)))
