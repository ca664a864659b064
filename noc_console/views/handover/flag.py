"""The board's flag for a handover nobody has acknowledged yet (status bar)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from noc_console.models.cache.handover_table import SavedHandover
from noc_console.services.handover.desk import HandoverDesk
from noc_console.views.worker import Op, Runner

CHECK_MS = 30_000
FLAG_STYLE = "color: #ffffff; background: #8a4b00; padding: 0 6px; font-weight: bold;"


class HandoverFlag(QLabel):
    """Hidden while every handover is acknowledged; otherwise names the shift.

    Signals: only those of QLabel.
    """

    def __init__(
        self, desk: HandoverDesk, run_in_background: Runner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("handoverFlag")
        self.setStyleSheet(FLAG_STYLE)
        self.setTextFormat(Qt.TextFormat.PlainText)  # shift names from the config file
        self.hide()
        self._desk, self._run = desk, run_in_background
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()
        self.check()

    def check(self) -> None:
        Op(self._desk.unacknowledged, self._show).start(self._run)

    def _show(self, pending: list[SavedHandover]) -> None:
        if not pending:
            self.hide()
            return
        names = ", ".join(h.shift_name for h in pending[:3])
        self.setText(f"⚑ Handover not acknowledged: {names}  (H)")
        self.show()
