"""The wall's major-incident panel: each open major incident with its next client
update, above every page while any is open. An overdue update is the largest type on
the wall (the `number` role), white on red, so the room sees it from the door.

Read-only, like the rest of the wall: the records come off the GUI thread every few
seconds (`set_clocks`), the countdown moves with the wall's one-second tick.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from noc_console.models.major_incident import UpdateClock
from noc_console.models.text_limits import capped
from noc_console.views.wall.scale import ROLE, WallScale, apply_scale, label
from noc_console.views.wall.widgets import ElidedLabel, paint

#: At most this many major incidents get a line; the rest are counted.
SHOWN = 3
CALM = ("#111111", "#9ecbff")
OVERDUE = ("#ffffff", "#c62828")


class MajorIncidentPanel(QWidget):
    """Signals: none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wallMajorIncidents")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._clocks: list[UpdateClock] = []
        self._scale: WallScale | None = None
        self.titles: list[QLabel] = []
        self.countdowns: list[QLabel] = []
        for row in range(SHOWN):
            title, countdown = ElidedLabel("head", self), label("", "head", self)
            self._grid.addWidget(title, 2 * row, 0)
            self._grid.addWidget(countdown, 2 * row, 1)
            self.titles.append(title)
            self.countdowns.append(countdown)
        self.more = label("", "small", self)
        self._grid.addWidget(self.more, 2 * SHOWN, 0, 1, 2)
        self._grid.setColumnStretch(0, 1)
        self.hide()

    def set_clocks(self, clocks: Sequence[UpdateClock]) -> None:
        self._clocks = list(clocks)

    def rescale(self, scale: WallScale) -> None:
        self._scale = scale
        apply_scale(self, scale)

    def tick(self, now: datetime) -> None:
        clocks = [replace(c, now=now) for c in self._clocks]
        self.setVisible(bool(clocks))
        restyled = False
        for n, (title, countdown) in enumerate(zip(self.titles, self.countdowns, strict=True)):
            shown = clocks[n] if n < len(clocks) else None
            title.setVisible(shown is not None)
            countdown.setVisible(shown is not None)
            if shown is None:
                continue
            _set(title, f"⚑ {capped(shown.summary)}")
            _set(countdown, shown.words.replace("client update ", "update "))
            role = "number" if shown.overdue else "head"
            fg, bg = OVERDUE if shown.overdue else CALM
            if countdown.property(ROLE) != role:
                countdown.setProperty(ROLE, role)
                restyled = True
                self._grid.removeWidget(countdown)
                if shown.overdue:  # a line of its own, the width of the wall
                    self._grid.addWidget(countdown, 2 * n + 1, 0, 1, 2)
                else:
                    self._grid.addWidget(countdown, 2 * n, 1)
            paint(title, fg, bg)
            paint(countdown, fg, bg)
        extra = len(clocks) - SHOWN
        _set(self.more, f"+{extra} more major incidents" if extra > 0 else "")
        self.more.setVisible(extra > 0)
        if restyled and self._scale is not None:
            apply_scale(self, self._scale)

    @property
    def overdue(self) -> bool:
        return any(c.property(ROLE) == "number" and c.isVisible() for c in self.countdowns)


def _set(widget: QLabel, text: str) -> None:
    if widget.text() != text:
        widget.setText(text)
