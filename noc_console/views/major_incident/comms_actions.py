"""The board's keys and menu entries for a major incident's communications: U sends a
client update, Shift+R closes one out, and Incident → Post-incident review writes its
review (views/major_incident/update_dialog.py, close_out_dialog.py, review_dialog.py).
The major incident is the one the current row is a child of, else the newest open one
(the update and close-out dialogs let the technician pick another).

Everything that reads or writes the store runs on the board's worker (`Op`); the
dialogs only hold what was read when they opened.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu, QTableView

from noc_console.models.board_row import BoardRow, ChangeSet
from noc_console.models.comms_template import Phase
from noc_console.models.errors import EnvironmentProblem
from noc_console.models.major_incident import MajorIncident
from noc_console.models.pir import Review
from noc_console.models.text_limits import capped
from noc_console.services.identity import Identity
from noc_console.services.major_incident.close_out import CannotCloseOut, ChildResult
from noc_console.services.major_incident.comms_desk import CommsContext, CommsDesk
from noc_console.services.major_incident.pir import ReviewError
from noc_console.services.major_incident.updates import CannotSend, ClientUpdate
from noc_console.views.major_incident.close_out_dialog import CloseOutDialog
from noc_console.views.major_incident.dialog_parts import bind_key, failure_text
from noc_console.views.major_incident.review_dialog import ReviewDialog
from noc_console.views.major_incident.update_dialog import UpdateDialog
from noc_console.views.worker import Op

_EXPECTED = (CannotSend, CannotCloseOut, ReviewError, EnvironmentProblem, ValueError)


class CommsActions(QObject):
    """Signals:
    message(str): one line for the status bar.
    changed(object): the `ChangeSet` of rows an update or a close-out laid actions over.
    """

    message = Signal(str)
    changed = Signal(object)

    def __init__(
        self,
        desk: CommsDesk,
        me: Identity,
        table: QTableView,
        menu: QMenu,
        current_rows: Callable[[], Sequence[BoardRow]],
        run: Callable[[Op[Any]], None],
        open_dialog: Callable[[QDialog], None],
        today: Callable[[], date],
    ) -> None:
        super().__init__(table)
        self._desk = desk
        self._me = me
        self._table = table
        self._rows = current_rows
        self._run = run
        self._open = open_dialog
        self._today = today
        self.dialog: QDialog | None = None  # the one open now (tests drive it)
        entries = (("Send client &update…", "U", self.send_update),
                   ("&Close out major incident…", "Shift+R", self.close_out))  # fmt: skip
        for label, key, slot in entries:
            bind_key(table, menu, label, key, slot)
        review = QAction("Post-incident &review…", table)
        review.triggered.connect(self.review)
        menu.addAction(review)

    def send_update(self) -> None:
        self._with_context(self._open_update)

    def close_out(self) -> None:
        self._with_context(self._open_close_out)

    def review(self) -> None:
        """The review of the current row's major incident (resolved ones first), else of
        the newest one."""
        self._with_context(self._open_review, open_only=False)

    # ------------------------------------------------------------ internals
    def _with_context(
        self, then: Callable[[CommsContext, int | None], None], open_only: bool = True
    ) -> None:
        desk = self._desk
        keys = [row.key for row in self._rows()]

        def read() -> tuple[CommsContext, int | None]:
            context = desk.context(open_only)
            wanted = set(keys)
            current = next((r.id for r in context.records
                            if wanted & set(r.child_keys)), None)  # fmt: skip
            return context, current

        def opened(result: tuple[CommsContext, int | None]) -> None:
            context, current = result
            if not context.records:
                self.message.emit("there is no open major incident: declare one with M first"
                                  if open_only else "there is no major incident yet")  # fmt: skip
                return
            then(context, current)

        Op(read, opened, self._failed("cannot read the major incidents")).start(self._run)

    def _open_update(self, context: CommsContext, current: int | None) -> None:
        dialog = UpdateDialog(self._desk, context, current, self._table)
        dialog.chosen.connect(lambda r, p, u: self._send(dialog, r, p, u))
        self.dialog = dialog
        self._open(dialog)

    def _send(self, dialog: UpdateDialog, record: MajorIncident, phase: Phase,
              updates: list[ClientUpdate]) -> None:  # fmt: skip
        desk, me = self._desk, self._me

        def sent(result: tuple[MajorIncident, ChangeSet]) -> None:
            stored, changes = result
            self.changed.emit(changes)
            count = sum(len(u.children) for u in updates)
            self.message.emit(f"{stored.reference}: {phase.label} update queued to {count} "
                              f"tickets of {len(updates)} clients")  # fmt: skip

        Op(lambda: desk.send(record, phase, updates, me), sent,
           self._failed("update not sent", dialog.show_problem)).start(self._run)  # fmt: skip

    def _open_close_out(self, context: CommsContext, current: int | None) -> None:
        dialog = CloseOutDialog(context.records, current, self._table)
        dialog.chosen.connect(lambda r, note, ok: self._close(dialog, r, note, ok))
        dialog.refresh_requested.connect(lambda r: self._outcomes(dialog, r))
        self.dialog = dialog
        self._open(dialog)

    def _close(self, dialog: CloseOutDialog, record: MajorIncident, note: str,
               verified: bool) -> None:  # fmt: skip
        desk, me = self._desk, self._me

        def closed(result: tuple[MajorIncident, ChangeSet]) -> None:
            stored, changes = result
            self.changed.emit(changes)
            self.message.emit(f"{stored.reference} closed out: {capped(stored.title)}")
            self._outcomes(dialog, stored)

        Op(lambda: desk.close_out(record, note, verified, me), closed,
           self._failed("not closed out", dialog.show_problem)).start(self._run)  # fmt: skip

    def _outcomes(self, dialog: CloseOutDialog, record: MajorIncident) -> None:
        desk = self._desk

        def shown(results: list[ChildResult]) -> None:
            dialog.show_outcomes(record, results)

        failed = self._failed("cannot read the outcomes", dialog.show_problem)
        Op(lambda: desk.outcomes(record), shown, failed).start(self._run)

    def _open_review(self, context: CommsContext, current: int | None) -> None:
        resolved = [r for r in context.records if not r.is_open]
        number = current or (resolved or list(context.records))[0].id
        desk = self._desk
        today = self._today()

        def read() -> tuple[MajorIncident, Review]:
            doc = desk.review(number)
            return doc.record, doc.review

        def opened(result: tuple[MajorIncident, Review]) -> None:
            record, review = result
            dialog = ReviewDialog(record, review, today, self._table)
            dialog.chosen.connect(lambda r, v: self._save_review(dialog, r, v))
            self.dialog = dialog
            self._open(dialog)

        Op(read, opened, self._failed("cannot read the review")).start(self._run)

    def _save_review(self, dialog: ReviewDialog, record: MajorIncident, review: Review) -> None:
        desk, me = self._desk, self._me

        def saved(_result: None) -> None:
            word = "closed" if review.closed else "saved"
            self.message.emit(f"{record.reference}: post-incident review {word} "
                              f"(export: noc-console pir --id {record.reference})")  # fmt: skip
            dialog.accept()

        Op(lambda: desk.save_review(record.id, review, me), saved,
           self._failed("review not saved", dialog.show_problem)).start(self._run)  # fmt: skip

    def _failed(
        self, what: str, show: Callable[[str], None] | None = None
    ) -> Callable[[BaseException], None]:
        def failed(error: BaseException) -> None:
            (show or self.message.emit)(failure_text(what, error, _EXPECTED))

        return failed
