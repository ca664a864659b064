"""The client filter: a button whose popup lists clients with check boxes and a search.

Nothing checked means every client. The board shows only the checked ones. Client
names come from the PSA: capped, and "&" doubled on the button so a name never
becomes a keyboard shortcut.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from noc_console.models.text_limits import capped
from noc_console.views.plain_text import button_text


class ClientFilter(QToolButton):
    """Signals:
    clients_changed(object): the set of chosen client ids (empty: all clients).
    """

    clients_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clientFilter")
        self.setText("All clients")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        popup = QWidget(self)
        layout = QVBoxLayout(popup)
        self.search = QLineEdit(popup)
        self.search.setPlaceholderText("Find a client…")
        self.list = QListWidget(popup)
        self.list.setMinimumSize(280, 320)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        action = QWidgetAction(self)
        action.setDefaultWidget(popup)
        menu = QMenu(self)
        menu.addAction(action)
        self.setMenu(menu)
        self.search.textChanged.connect(self._find)
        self.list.itemChanged.connect(self._changed)
        self._names: dict[str, str] = {}

    @property
    def chosen(self) -> frozenset[str]:
        return frozenset(
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in (self.list.item(i) for i in range(self.list.count()))
            if item.checkState() == Qt.CheckState.Checked
        )

    def set_clients(self, names: Mapping[str, str]) -> None:
        """The clients on the board (id → name); keeps what was checked."""
        if dict(names) == self._names:
            return
        chosen = self.chosen
        self._names = dict(names)
        self.list.blockSignals(True)
        self.list.clear()
        for client_id, name in sorted(names.items(), key=lambda item: item[1].casefold()):
            item = QListWidgetItem(capped(name))
            item.setData(Qt.ItemDataRole.UserRole, client_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = Qt.CheckState.Checked if client_id in chosen else Qt.CheckState.Unchecked
            item.setCheckState(checked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._find(self.search.text())

    def choose(self, client_ids: set[str]) -> None:
        for index in range(self.list.count()):
            item = self.list.item(index)
            wanted = item.data(Qt.ItemDataRole.UserRole) in client_ids
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    def _find(self, text: str) -> None:
        needle = text.strip().casefold()
        for index in range(self.list.count()):
            item = self.list.item(index)
            item.setHidden(bool(needle) and needle not in item.text().casefold())

    def _changed(self, _item: QListWidgetItem) -> None:
        chosen = self.chosen
        if not chosen:
            self.setText("All clients")
        elif len(chosen) == 1:
            name = self._names.get(next(iter(chosen)))
            self.setText(button_text(capped(name)) if name is not None else "1 client")
        else:
            self.setText(f"{len(chosen)} clients")
        self.clients_changed.emit(chosen)
