"""The board's order: a named one (needs me first, by deadline, by priority, by
client) chosen here or with O, or a column's, chosen by clicking its header.

The orders themselves are GUI-free (`services/board/board_order.py`); this only
chooses. Choosing a named order clears the header's sort indicator; clicking a header
blanks the chooser ("by column"), so the two never disagree.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHeaderView, QTableView, QWidget

from noc_console.services.board.board_order import DEFAULT_ORDER, Order
from noc_console.views.board.model import BoardModel


class OrderChooser(QComboBox):
    """Chooses the board's named order.

    Signals:
        order_changed(str): the `Order` value now in force ("" when a column's is).
    """

    order_changed = Signal(str)

    def __init__(self, model: BoardModel, table: QTableView, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("order")
        self.setToolTip("Order of the board (O cycles); a click on a column header sorts by it")
        self.setPlaceholderText("By column")
        for order in Order:
            self.addItem(order.label, order.value)
        self._model = model
        self._header: QHeaderView = table.horizontalHeader()
        self._header.sortIndicatorChanged.connect(self._header_sorted)
        self.currentIndexChanged.connect(self._chosen)
        cycle = QShortcut(QKeySequence("O"), table)
        cycle.setContext(Qt.ShortcutContext.WidgetShortcut)
        cycle.activated.connect(self.cycle)
        self.choose(DEFAULT_ORDER)

    @property
    def order(self) -> Order | None:
        """The named order in force; None while a column's is."""
        data = self.currentData()
        return Order(data) if data else None

    def choose(self, order: Order) -> None:
        index = self.findData(order.value)
        if index == self.currentIndex():
            self._chosen(index)
        else:
            self.setCurrentIndex(index)

    def cycle(self) -> None:
        """O: the next named order (from a column's: the first)."""
        self.setCurrentIndex((self.currentIndex() + 1) % self.count())

    def _chosen(self, index: int) -> None:
        if index < 0:
            return
        order = Order(self.itemData(index))
        self._model.set_order(order)
        if self._header.sortIndicatorSection() != -1:
            self._header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.order_changed.emit(order.value)

    def _header_sorted(self, section: int, _order: Qt.SortOrder) -> None:
        if section >= 0 and self.currentIndex() != -1:
            self.blockSignals(True)
            self.setCurrentIndex(-1)
            self.blockSignals(False)
            self.order_changed.emit("")
