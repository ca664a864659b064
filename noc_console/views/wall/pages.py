"""The wall's pages: the overview and the incident lists (nearest deadlines, a queue).

A page is filled from a `WallSummary` (`show_summary`), moves its clocks each second
(`tick`), makes its breached P1s pulse (`pulse`) and lays itself out for a
`WallScale` (`rescale`). Widgets are made once; a list page has `per_page` lines.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from noc_console.models.incident import Priority
from noc_console.models.sla_clock import ClockState, SlaThresholds
from noc_console.models.text_limits import capped
from noc_console.services.wall.clock_words import STATE_WORDS
from noc_console.services.wall.summary import ClientTile, WallSummary
from noc_console.views import format as fmt
from noc_console.views.theme import PRIORITY_COLOURS, STATE_COLOURS, tokens
from noc_console.views.wall.scale import WallScale, label
from noc_console.views.wall.widgets import (
    CountTile,
    ElidedLabel,
    IncidentLine,
    paint,
    state_colours,
)

CLIENT_COLUMNS = 4
CLIENT_ROWS = 4


class ClientTileView(QFrame):
    """One client's worst SLA state, in colour and in words.

    Signals: only those of QFrame.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = ElidedLabel("body", self)
        self.state = ElidedLabel("small", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.name)
        layout.addWidget(self.state)
        self.setAutoFillBackground(True)

    def set_tile(self, tile: ClientTile | None) -> None:
        self.setVisible(tile is not None)
        if tile is None:
            return
        self.name.setText(capped(tile.name))
        word = STATE_WORDS.get(tile.worst) or "OK"
        late = f" · {tile.breached} breached" if tile.breached else ""
        self.state.setText(f"{word} · {tile.open} open{late}")
        colours = STATE_COLOURS.get(tile.worst)
        bg, fg = (colours[0] or tokens()["alternate"], colours[1]) if colours else (
            tokens()["alternate"], tokens()["online"])  # fmt: skip
        paint(self, fg, bg)
        paint(self.name, fg if tile.worst is not ClockState.OK else tokens()["text"])
        paint(self.state, fg)


class OverviewPage(QWidget):
    """Open by priority, breached, at risk, should escalate, the oldest P1, client tiles.

    Signals: only those of QWidget.
    """

    title = "Overview"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.priority_tiles = {p: CountTile(f"{p.value} open", self) for p in Priority}
        self.breached = CountTile("breached", self)
        self.at_risk = CountTile("at risk", self)
        self.escalate = CountTile("should escalate", self)
        counts = QHBoxLayout()
        for tile in (*self.priority_tiles.values(), self.breached, self.at_risk, self.escalate):
            counts.addWidget(tile, 1)
        self.oldest_caption = label("", "small", self)
        self.oldest = IncidentLine(self)
        self.no_p1 = label("No P1 open", "body", self)  # not green: the data may be stale
        paint(self.no_p1, tokens()["text"])
        self.clients_caption = label("Clients — worst SLA state", "small", self)
        paint(self.clients_caption, tokens()["muted"])
        self.client_tiles = [ClientTileView(self) for _ in range(CLIENT_COLUMNS * CLIENT_ROWS)]
        self.client_grid = QGridLayout()
        for i, view in enumerate(self.client_tiles):
            self.client_grid.addWidget(view, i // CLIENT_COLUMNS, i % CLIENT_COLUMNS)
        for column in range(CLIENT_COLUMNS):
            self.client_grid.setColumnStretch(column, 1)
        self.more = label("", "small", self)
        paint(self.more, tokens()["muted"])
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addLayout(counts)
        self._layout.addWidget(self.oldest_caption)
        self._layout.addWidget(self.oldest)
        self._layout.addWidget(self.no_p1)
        self._layout.addWidget(self.clients_caption)
        self._layout.addLayout(self.client_grid)
        self._layout.addWidget(self.more)
        self._layout.addStretch(1)
        self._summary: WallSummary | None = None

    def rescale(self, scale: WallScale) -> None:
        self._layout.setSpacing(scale.gap(1.2))
        self.client_grid.setSpacing(scale.gap())
        for view in self.client_tiles:
            view.setFixedHeight(round(scale.px("body") * 3.4))
        self.oldest.rescale(scale)

    def show_summary(self, summary: WallSummary, now: datetime, thresholds: SlaThresholds) -> None:
        self._summary = summary
        for priority, tile in self.priority_tiles.items():
            bg, fg = PRIORITY_COLOURS[priority]
            tile.set_count(summary.open_by_priority[priority], fg, bg)
        quiet = (tokens()["muted"], tokens()["alternate"])
        for tile, count, state in (
            (self.breached, summary.breached, ClockState.BREACHED),
            (self.at_risk, summary.at_risk, ClockState.WARNING),
            (self.escalate, summary.escalate, ClockState.CRITICAL),
        ):
            bg, fg = state_colours(state)
            tile.set_count(count, *((fg, bg) if count else quiet))
        oldest = summary.oldest_p1
        self.oldest.set_row(oldest, oldest is not None and oldest.key in summary.breached_p1)
        self.oldest_caption.setVisible(oldest is not None)
        self.no_p1.setVisible(oldest is None)
        shown = summary.tiles[: len(self.client_tiles)]
        for i, view in enumerate(self.client_tiles):
            view.set_tile(shown[i] if i < len(shown) else None)
        self.clients_caption.setVisible(bool(shown))
        hidden = summary.tiles[len(shown) :]
        calm = sum(t.worst is ClockState.OK for t in hidden)
        self.more.setText(f"+ {len(hidden)} more clients ({calm} OK)" if hidden else "")
        self.more.setVisible(bool(hidden))
        self.tick(now, thresholds)

    def tick(self, now: datetime, thresholds: SlaThresholds) -> None:
        oldest = self._summary.oldest_p1 if self._summary else None
        if oldest is not None:
            self.oldest_caption.setText(f"Oldest P1 — open {fmt.duration(now - oldest.created_at)}")
            paint(self.oldest_caption, tokens()["muted"])
        self.oldest.tick(now, thresholds)

    def pulse(self, on: bool) -> None:
        self.oldest.pulse(on)
        if self._summary is not None and self._summary.breached_p1:
            bg, fg = PRIORITY_COLOURS[Priority.P1]
            tile = self.priority_tiles[Priority.P1]
            tile.set_count(self._summary.open_by_priority[Priority.P1], *(
                (bg, fg) if on else (fg, bg)))  # fmt: skip


class ListPage(QWidget):
    """Up to `per_page` incidents, nearest deadline first, with how many there are.

    Signals: only those of QWidget.
    """

    def __init__(self, name: str, title: str, per_page: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.name = name
        self.title = title
        self.count = label("", "small", self)
        paint(self.count, tokens()["muted"])
        self.lines = [IncidentLine(self) for _ in range(per_page)]
        self.empty = label("Nothing here — all clear", "head", self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        paint(self.empty, tokens()["online"])
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.count)
        for i, line in enumerate(self.lines):
            paint(line, tokens()["text"], tokens()["base" if i % 2 else "alternate"])
            self._layout.addWidget(line)
        self._layout.addWidget(self.empty)
        self._layout.addStretch(1)

    def rescale(self, scale: WallScale) -> None:
        self._layout.setSpacing(scale.gap(0.3))
        for line in self.lines:
            line.rescale(scale)

    def show_summary(self, summary: WallSummary, now: datetime, thresholds: SlaThresholds) -> None:
        listing = summary.lists.get(self.name)
        rows = listing.rows if listing else ()
        total = listing.total if listing else 0
        for i, line in enumerate(self.lines):
            row = rows[i] if i < len(rows) else None
            line.set_row(row, row is not None and row.key in summary.breached_p1)
        noun = "incident" if total == 1 else "incidents"
        more = f" · the {len(rows)} with the nearest deadlines" if total > len(rows) else ""
        self.count.setText(f"{total} {noun}{more}")
        self.empty.setVisible(total == 0)
        self.tick(now, thresholds)

    def tick(self, now: datetime, thresholds: SlaThresholds) -> None:
        for line in self.lines:
            line.tick(now, thresholds)

    def pulse(self, on: bool) -> None:
        for line in self.lines:
            line.pulse(on)
