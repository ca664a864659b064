"""The wall's building blocks: an eliding label, an incident line, a count tile.

Each is created once and refilled with `set_*` as data changes, so a day of rotation
creates no widgets. Colours are set through the palette (no style sheet re-polish on
every update) and every colour is doubled by a word: "P1", "BREACHED", "AT RISK".
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import Priority
from noc_console.models.sla_clock import ClockState, SlaThresholds
from noc_console.models.text_limits import capped
from noc_console.services.wall.clock_words import ClockWords, clock_words
from noc_console.views.theme import PRIORITY_COLOURS, STATE_COLOURS, tokens
from noc_console.views.wall.scale import ROLE, WallScale, label

ESCALATE_MARK = "⇧"  # "should escalate" shares the critical colours: its own shape
#: A breached P1 badge pulses between its own colour and the breached red, text white
#: throughout (never a white block: it read as a blank and glared).
PULSE_COLOURS = ("#a4161a", "#ffffff")


def paint(widget: QWidget, fg: str, bg: str | None = None) -> None:
    """Text (and background) colour through the palette; no-op when unchanged."""
    palette = widget.palette()
    roles = [(QPalette.ColorRole.WindowText, fg)]
    if bg is not None:
        roles.append((QPalette.ColorRole.Window, bg))
    unchanged = all(palette.color(role) == QColor(value) for role, value in roles)
    if unchanged and widget.autoFillBackground() == (bg is not None):
        return
    for role, value in roles:
        palette.setColor(role, QColor(value))
    widget.setPalette(palette)
    widget.setAutoFillBackground(bg is not None)


def state_colours(state: ClockState) -> tuple[str, str]:
    """(background, text) of a loud SLA state: warning, critical, breached."""
    pair = STATE_COLOURS[state]
    if pair is None or pair[0] is None:
        raise ValueError(f"{state} has no colour of its own")
    return (pair[0], pair[1])


def paint_state(widget: QWidget, state: ClockState | None) -> str:
    """Colour `widget` for `state`; returns the text colour its labels take."""
    colours = STATE_COLOURS.get(state) if state is not None else None
    if colours is None:
        paint(widget, tokens()["text"], None)
        return tokens()["text"]
    paint(widget, colours[1], colours[0])
    return colours[1]


class ElidedLabel(QLabel):
    """A label that ends in "…" when its text does not fit; `text()` stays whole.

    It holds ticket text (clients, titles, assignees): always plain, and callers cap
    it (`capped`), since the size hint lays out the whole text.

    Signals: only those of QLabel.
    """

    def __init__(self, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty(ROLE, role)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect().adjusted(self.margin(), 0, -self.margin(), 0)
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.setFont(self.font())
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawText(rect, int(self.alignment()), text)


class IncidentLine(QFrame):
    """One incident: priority badge, client, title, tier and assignee, and its SLA clock
    on two lines: which clock and its state ("RESPONSE BREACHED") over the mark and the
    amount ("▲ 22m ago").

    Signals: only those of QFrame.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row: BoardRow | None = None
        self.pulsing = False
        self.badge = label("", "body", self)
        self._outline = 2
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.client = ElidedLabel("body", self)
        self.title = ElidedLabel("body", self)
        self.owner = ElidedLabel("small", self)
        self.words: ClockWords | None = None
        self.clock_box = QFrame(self)
        self.heading = ElidedLabel("small", self.clock_box)
        self.clock = label("", "body", self.clock_box)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        self.heading.setAlignment(right)
        self.clock.setAlignment(right)
        self._clock_layout = QVBoxLayout(self.clock_box)
        self._clock_layout.setSpacing(0)
        self._clock_layout.addWidget(self.heading)
        self._clock_layout.addWidget(self.clock)
        self._layout = layout = QHBoxLayout(self)
        layout.addWidget(self.badge)
        layout.addWidget(self.client, 3)
        layout.addWidget(self.title, 6)
        layout.addWidget(self.owner, 2)
        layout.addWidget(self.clock_box)
        self.setAutoFillBackground(True)

    @property
    def clock_text(self) -> str:
        """The whole clock as the line says it: "▲ RESPONSE BREACHED 22m ago"."""
        return self.words.text if self.words is not None else ""

    @staticmethod
    def height_for(scale: WallScale) -> int:
        """A line's fixed height: the clock's two lines of text and the margins."""
        return round((scale.px("small") + scale.px("body")) * 1.3) + 2 * scale.gap(0.4)

    def rescale(self, scale: WallScale) -> None:
        self._outline = scale.gap(0.3)
        if self.row is not None:
            outline(self.badge, self.row.priority is Priority.P1, self._outline)
        self.setFixedHeight(self.height_for(scale))
        self._layout.setContentsMargins(scale.gap(), scale.gap(0.4), scale.gap(), scale.gap(0.4))
        self._layout.setSpacing(scale.gap(1.4))
        self.badge.setFixedWidth(round(scale.px("body") * 2.4))
        self.clock_box.setFixedWidth(round(scale.px("body") * 12.5))
        self._clock_layout.setContentsMargins(scale.gap(0.6), 0, scale.gap(0.6), 0)

    def set_row(self, row: BoardRow | None, pulsing: bool = False) -> None:
        self.row, self.pulsing = row, pulsing
        self.setVisible(row is not None)
        if row is None:
            return
        bg, fg = PRIORITY_COLOURS[row.priority]
        self.badge.setText(row.priority.value)
        paint(self.badge, fg, bg)
        outline(self.badge, row.priority is Priority.P1, self._outline)
        self.client.setText(capped(row.client_name))
        self.title.setText(capped(row.title))
        self.owner.setText(f"{row.tier.value} · {capped(row.assignee or 'unassigned')}")
        paint(self.owner, tokens()["warning"] if not row.assignee else tokens()["muted"])

    def tick(self, now: datetime, thresholds: SlaThresholds) -> None:
        if self.row is None:
            return
        words = clock_words(self.row, now, thresholds)
        if words == self.words:
            return
        self.words = words
        if self.heading.text() != words.heading:
            self.heading.setText(words.heading)
        self.clock.setText(words.figure)
        fg = paint_state(self.clock_box, words.state)
        paint(self.heading, fg)
        paint(self.clock, fg)

    def pulse(self, on: bool) -> None:
        if self.row is None or not self.pulsing:
            return
        bg, fg = PRIORITY_COLOURS[self.row.priority]
        paint(self.badge, *(PULSE_COLOURS[::-1] if on else (fg, bg)))


def outline(frame: QFrame, on: bool, width: int) -> None:
    """A bold frame in the text colour: a P1's cue beside its colour."""
    frame.setFrameStyle(QFrame.Shape.Box | QFrame.Shadow.Plain if on else QFrame.Shape.NoFrame)
    frame.setLineWidth(width if on else 0)


class CountTile(QFrame):
    """A big number with its caption ("7" over "P1 open").

    Signals: only those of QFrame.
    """

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number = label("0", "number", self)
        self.caption = label(caption, "small", self)
        for part in (self.number, self.caption):
            part.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.number)
        layout.addWidget(self.caption)
        self.setAutoFillBackground(True)

    def set_count(self, count: int, fg: str, bg: str) -> None:
        self.set_figure(str(count), fg, bg)

    def set_figure(self, text: str, fg: str, bg: str) -> None:
        """Any short figure in place of a count ("14m 30s")."""
        if self.number.text() != text:
            self.number.setText(text)
        paint(self, fg, bg)
        paint(self.number, fg)
        paint(self.caption, fg)
