"""The board's major-incident banner: each open major incident with the countdown to
its next client update, above the table; red with the time overdue once it is due.

The records are read off the GUI thread (`set_clocks`) when they change — followed
from a team's database, or every few seconds on a desk's own cache; the
countdown is recomputed from the stored due time at every tick, so it never drifts and
costs nothing between reads. Hidden while no major incident is open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtWidgets import QLabel, QWidget

from noc_console.models.clock import Clock
from noc_console.models.major_incident import UpdateClock
from noc_console.models.text_limits import capped
from noc_console.views.plain_text import plain

CALM = "color: #111111; background: #9ecbff; padding: 3px 8px; font-weight: bold;"
OVERDUE = "color: #ffffff; background: #c62828; padding: 3px 8px; font-weight: bold;"


class MajorIncidentBanner(QLabel):
    """Signals: none."""

    def __init__(self, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("majorIncidents")
        plain(self)  # titles and names are people's and PSAs' text
        self._clock = clock
        self._clocks: list[UpdateClock] = []
        self.hide()

    def set_clocks(self, clocks: Sequence[UpdateClock]) -> None:
        self._clocks = list(clocks)
        self.tick()

    def tick(self) -> None:
        now = self._clock.now()
        clocks = [replace(c, now=now) for c in self._clocks]
        if not clocks:
            self.setVisible(False)
            return
        lines = [f"⚑ {c.record.reference} {c.record.severity.value}: {c.words}"
                 f"{' ⚠' if c.overdue else ''} · {capped(c.record.title)} · {capped(c.details)}"
                 for c in clocks]  # fmt: skip
        text = "\n".join(lines)
        style = OVERDUE if any(c.overdue for c in clocks) else CALM
        if self.text() != text:
            self.setText(text)
        if self.styleSheet() != style:
            self.setStyleSheet(style)
        self.setVisible(True)
