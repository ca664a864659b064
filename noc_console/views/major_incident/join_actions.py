"""The board's Ctrl+M: add the selected rows to a major incident already declared
(views/major_incident/join_dialog.py; services/major_incident/join.py).

Reading the open records (and correlating the rows to suggest one) and storing run on
the board's worker (`Op`); the dialog only holds what was read when it opened.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QMenu, QTableView

from noc_console.models.board_row import BoardRow, ChangeSet
from noc_console.models.errors import EnvironmentProblem
from noc_console.models.major_incident import MajorIncident
from noc_console.services.correlation import Group
from noc_console.services.identity import Identity
from noc_console.services.major_incident.desk import MajorIncidentDesk
from noc_console.services.major_incident.join import CannotJoin
from noc_console.views.major_incident.dialog_parts import bind_key, failure_text
from noc_console.views.major_incident.join_dialog import JoinDialog
from noc_console.views.worker import Op

KEY = "Ctrl+M"
_EXPECTED = (CannotJoin, EnvironmentProblem)


class JoinActions(QObject):
    """Signals:
    message(str): one line for the status bar.
    changed(object): the `ChangeSet` of the rows the new children's notes were laid over.
    """

    message = Signal(str)
    changed = Signal(object)

    def __init__(
        self,
        desk: MajorIncidentDesk,
        me: Identity,
        table: QTableView,
        menu: QMenu,
        selected: Callable[[], Sequence[BoardRow]],
        groups: Callable[[], Sequence[Group]],
        run: Callable[[Op[Any]], None],
        open_dialog: Callable[[QDialog], None],
    ) -> None:
        super().__init__(table)
        self._desk = desk
        self._me = me
        self._selected = selected
        self._groups = groups
        self._run = run
        self._open = open_dialog
        self._table = table
        self.dialog: JoinDialog | None = None  # the one open now (tests drive it)
        bind_key(table, menu, "&Add to major incident…", KEY, self.add_rows)

    def add_rows(self) -> None:
        rows = list(self._selected())
        if not rows:
            self.message.emit("select the incidents to add to a major incident, then Ctrl+M")
            return
        desk, groups = self._desk, list(self._groups())

        def opened(result: tuple[list[MajorIncident], int | None]) -> None:
            records, suggested = result
            if not records:
                self.message.emit("there is no open major incident: declare one with M")
                return
            dialog = JoinDialog(records, suggested, rows, self._table)
            dialog.chosen.connect(lambda record, chosen: self._join(dialog, record, chosen))
            self.dialog = dialog
            self._open(dialog)

        Op(lambda: desk.join_choices(rows, groups), opened,
           self._failed("cannot read the major incidents")).start(self._run)  # fmt: skip

    def _join(self, dialog: JoinDialog, record: MajorIncident, rows: list[BoardRow]) -> None:
        desk, me = self._desk, self._me

        def joined(result: tuple[MajorIncident, ChangeSet]) -> None:
            stored, changes = result
            dialog.accept()
            self.changed.emit(changes)
            added = f"{len(rows)} incident{'s' if len(rows) != 1 else ''} added"
            self.message.emit(f"{stored.reference}: {added} — "
                              f"{len(stored.children)} incidents of {len(stored.clients)} "
                              "clients now; notes queued to the new ones")  # fmt: skip

        Op(lambda: desk.join(record.id, rows, me), joined,
           self._failed("not added", dialog.show_problem)).start(self._run)  # fmt: skip

    def _failed(
        self, what: str, show: Callable[[str], None] | None = None
    ) -> Callable[[BaseException], None]:
        def failed(error: BaseException) -> None:
            (show or self.message.emit)(failure_text(what, error, _EXPECTED))

        return failed
