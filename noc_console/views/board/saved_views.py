"""Saved views: a name for a queue + search + clients + order combination, kept per
user (views saved before orders existed open in the default order)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from noc_console.services.board.board_order import DEFAULT_ORDER
from noc_console.views.board.triage_dialogs import ReasonDialog


@dataclass(frozen=True, slots=True)
class View:
    queue: str
    search: str
    clients: tuple[str, ...]
    order: str = DEFAULT_ORDER.value  # a `board_order.Order` value
    columns: tuple[str, ...] | None = None  # visible columns left to right; None: as they are


class SavedViews(QToolButton):
    """A "Views" button: save the current filters under a name, or return to one.

    Signals:
        view_chosen(object): the `View` to apply.
    """

    view_chosen = Signal(object)

    def __init__(
        self, current: Callable[[], View], settings: QSettings | None, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("savedViews")
        self.setText("Views")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._current = current
        self._settings = settings
        self._views: dict[str, View] = {}
        if settings is not None:
            for name, data in json.loads(str(settings.value("views/saved", "{}"))).items():
                order = str(data.get("order", DEFAULT_ORDER.value))
                columns = data.get("columns")
                self._views[name] = View(
                    data["queue"],
                    data["search"],
                    tuple(data["clients"]),
                    order,
                    None if columns is None else tuple(columns),
                )
        self.setMenu(QMenu(self))
        self.dialog: ReasonDialog | None = None
        self._rebuild()

    @property
    def names(self) -> list[str]:
        return sorted(self._views)

    def save(self, name: str) -> None:
        self._views[name] = self._current()
        if self._settings is not None:
            data = {n: asdict(v) for n, v in self._views.items()}
            self._settings.setValue("views/saved", json.dumps(data))
        self._rebuild()

    def choose(self, name: str) -> None:
        self.view_chosen.emit(self._views[name])

    def ask_name(self) -> None:
        self.dialog = ReasonDialog("Save view", "Name of this view:", self.window())
        self.dialog.chosen.connect(self.save)
        self.dialog.open()

    def _rebuild(self) -> None:
        menu = self.menu()
        menu.clear()
        menu.addAction("Save current view…", self.ask_name)
        if self._views:
            menu.addSeparator()
        for name in self.names:
            menu.addAction(name, self._chooser(name))

    def _chooser(self, name: str) -> Callable[[], None]:
        return lambda: self.choose(name)
