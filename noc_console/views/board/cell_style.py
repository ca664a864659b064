"""What each cell `Look` is painted with: background, text colour, weight, bar colour,
and the cue beside the colour (a mark, an outline).

The only place where a cell's look becomes colours (from the theme in use when the
board is built); the board model answers Qt's colour roles from it, and the cell
delegate paints from it. Colour is never the only cue: under a colour-vision deficiency
the at-risk, critical and breached colours merge (tests/views/test_colour_vision.py),
so each loud countdown state has its mark (▲ breached, ◆ critical, ◇ at risk;
`models/clock_text.STATE_MARKS`, the wall's too) and a P1 badge a bold outline.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from noc_console.models.clock_text import STATE_MARKS
from noc_console.models.incident import Priority
from noc_console.models.sla_clock import ClockState
from noc_console.services.board.columns import STATE_OF_LOOK, Align, Look
from noc_console.views.theme import DARK, PRIORITY_COLOURS, state_colours, tokens

BAR_HEIGHT = 3
OUTLINE_WIDTH = 2  # a P1 badge's frame, in pixels
TRACK = QColor(255, 255, 255, 28)  # the bar's unfilled part
BAR_COLOURS = {
    ClockState.OK: QColor("#56b4e9"),
    ClockState.WARNING: QColor(DARK["warning"]),
    ClockState.CRITICAL: QColor("#ff9f43"),
    ClockState.BREACHED: QColor("#ffffff"),
    ClockState.PAUSED: QColor("#9ecbff"),
}
ALIGNMENTS = {
    Align.LEFT: Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
    Align.CENTRE: Qt.AlignmentFlag.AlignCenter,
    Align.RIGHT: Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
}


@dataclass(frozen=True, slots=True)
class CellStyle:
    background: QColor | None = None  # None: the row's own (plain or alternate)
    foreground: QColor | None = None  # None: the palette's text colour
    bold: bool = False
    bar: QColor | None = None  # the filled part of the countdown bar
    mark: str = ""  # drawn at the cell's left edge: the state's shape
    outline: bool = False  # a frame in the text colour inside the cell (P1)


def cell_styles() -> dict[Look, CellStyle]:
    """Every look's style in the theme now in use."""
    theme = tokens()
    styles = {Look.PLAIN: CellStyle()}
    for priority in Priority:
        badge, letters = PRIORITY_COLOURS[priority]
        styles[Look(priority.value)] = CellStyle(
            QColor(badge), QColor(letters), bold=True, outline=priority is Priority.P1
        )
    colours = state_colours()
    for look, state in STATE_OF_LOOK.items():
        pair = colours[state]
        background = QColor(pair[0]) if pair and pair[0] else None
        text = QColor(pair[1]) if pair else None
        if state is ClockState.MET:
            text = QColor(theme["met"])
        if look is Look.OFF_HOURS:
            text = QColor(theme["muted"])
        bar = BAR_COLOURS.get(state)
        worded = (ClockState.MET, ClockState.PAUSED)  # the text says "met", "paused"
        mark = "" if state in worded or look is Look.OFF_HOURS else STATE_MARKS.get(state, "")
        styles[look] = CellStyle(background, text, state is ClockState.BREACHED, bar, mark)
    styles[Look.PENDING] = CellStyle(foreground=QColor("#9ecbff"))
    styles[Look.FAILED] = CellStyle(foreground=QColor(theme["offline"]))
    styles[Look.CONFLICT] = CellStyle(foreground=QColor(theme["warning"]))
    return styles
