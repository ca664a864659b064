"""The wall's pages: the overview and the incident lists (nearest deadlines, a queue).

A page is filled from a `WallSummary` (`show_summary`), moves its clocks each second
(`tick`), makes its breached P1s pulse (`pulse`) and lays itself out for a
`WallScale` (`rescale`). Widgets are made once; a list page has `per_page` lines.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from noc_console.models.clock_text import STATE_MARKS
from noc_console.models.incident import Priority
from noc_console.models.sla_clock import ClockState, SlaThresholds
from noc_console.models.text_limits import capped
from noc_console.services.wall.clock_words import STATE_WORDS
from noc_console.services.wall.summary import ClientTile, WallSummary
from noc_console.views import format as fmt
from noc_console.views.theme import PRIORITY_COLOURS, STATE_COLOURS, tokens
from noc_console.views.wall.scale import WallScale, apply_scale, label
from noc_console.views.wall.tile_grid import TileGrid
from noc_console.views.wall.widgets import (
    ESCALATE_MARK,
    PULSE_COLOURS,
    CountTile,
    ElidedLabel,
    IncidentLine,
    outline,
    paint,
    state_colours,
)

TILE_WIDTH_EMS = 13  # a client tile's width in body-text heights: 4 across at 1080p


class ClientTileView(QFrame):
    """One client: its worst SLA state in colour, mark and words, its open P1s and P2s,
    and how long its oldest unacknowledged incident has waited.

    Signals: only those of QFrame.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = ElidedLabel("body", self)
        self.state = ElidedLabel("small", self)
        self.detail = ElidedLabel("small", self)
        self._layout = layout = QVBoxLayout(self)
        layout.setSpacing(0)
        layout.addWidget(self.name)
        layout.addWidget(self.state)
        layout.addWidget(self.detail)
        self.setAutoFillBackground(True)
        self.tile: ClientTile | None = None

    @staticmethod
    def height_for(scale: WallScale) -> int:
        return round((scale.px("body") + 2 * scale.px("small")) * 1.25) + 2 * scale.gap(0.8)

    def rescale(self, scale: WallScale) -> None:
        self._layout.setContentsMargins(*(scale.gap(0.8),) * 4)

    def set_tile(self, tile: ClientTile | None, now: datetime) -> None:
        self.tile = tile
        self.setVisible(tile is not None)
        if tile is None:
            return
        self.name.setText(capped(tile.name))
        word = STATE_WORDS.get(tile.worst) or "OK"
        mark = STATE_MARKS.get(tile.worst, "✓")
        late = f" · {tile.breached} breached" if tile.breached else ""
        self.state.setText(f"{mark} {word} · {tile.open} open{late}")
        colours = STATE_COLOURS.get(tile.worst)
        bg, fg = (colours[0] or tokens()["alternate"], colours[1]) if colours else (
            tokens()["alternate"], tokens()["online"])  # fmt: skip
        paint(self, fg, bg)
        paint(self.name, fg if tile.worst is not ClockState.OK else tokens()["text"])
        paint(self.state, fg)
        paint(self.detail, fg if tile.worst is not ClockState.OK else tokens()["muted"])
        self.tick(now)

    def tick(self, now: datetime) -> None:
        tile = self.tile
        if tile is None:
            return
        waiting = (
            f"oldest new {fmt.duration(now - tile.oldest_new)}" if tile.oldest_new else "none new"
        )
        text = f"P1 {tile.p1} · P2 {tile.p2} · {waiting}"
        if self.detail.text() != text:
            self.detail.setText(text)


#: Groups the overview names; more are counted on one line.
MOST_GROUPS = 3
GROUP_MARK = "⧉"


class OverviewPage(QWidget):
    """Open by priority, breached, at risk, should escalate, the oldest P1, the active
    groups (incidents that are probably one event), and a tile per client filling the
    rest of the screen (more tiles on a bigger screen).

    Signals: only those of QWidget.
    """

    title = "Overview"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.priority_tiles = {p: CountTile(f"{p.value} open", self) for p in Priority}
        self.breached = CountTile(f"{STATE_MARKS[ClockState.BREACHED]} breached", self)
        self.at_risk = CountTile(f"{STATE_MARKS[ClockState.WARNING]} at risk", self)
        self.escalate = CountTile(f"{ESCALATE_MARK} should escalate", self)
        self.likely = CountTile(
            f"{STATE_MARKS[ClockState.CRITICAL]} likely breaches next 2 h", self
        )
        counts = QHBoxLayout()
        for tile in (*self.priority_tiles.values(), self.breached, self.at_risk, self.likely,
                     self.escalate):  # fmt: skip
            counts.addWidget(tile, 1)
        self.oldest_caption = label("", "small", self)
        self.oldest = IncidentLine(self)
        self.no_p1 = label("No P1 open", "body", self)  # not green: the data may be stale
        paint(self.no_p1, tokens()["text"])
        #: Open incidents that are probably one event, a line each (services/correlation).
        self.group_lines = [label("", "body", self) for _ in range(MOST_GROUPS + 1)]
        for line in self.group_lines:
            paint(line, tokens()["warning"])
            line.hide()
        self._group_texts: list[str] = []
        self.quiet = label("", "small", self)
        paint(self.quiet, tokens()["online"])
        self.clients_caption = label("Clients — worst SLA state", "small", self)
        paint(self.clients_caption, tokens()["muted"])
        self.grid = TileGrid(lambda: ClientTileView(self), ClientTileView.rescale)
        self.client_grid = self.grid.layout
        self.more = label("", "small", self)
        paint(self.more, tokens()["muted"])
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addLayout(counts)
        self._layout.addWidget(self.oldest_caption)
        self._layout.addWidget(self.oldest)
        self._layout.addWidget(self.no_p1)
        for line in self.group_lines:
            self._layout.addWidget(line)
        self._layout.addWidget(self.quiet)
        self._layout.addWidget(self.clients_caption)
        self._layout.addLayout(self.client_grid, 1)
        self._layout.addWidget(self.more)
        self._summary: WallSummary | None = None
        self._scale: WallScale | None = None

    @property
    def client_tiles(self) -> list[ClientTileView]:
        return self.grid.tiles

    def rescale(self, scale: WallScale) -> None:
        self._scale = scale
        self._layout.setSpacing(scale.gap(1.2))
        self.grid.rescale(scale)
        self.oldest.rescale(scale)
        outline(self.priority_tiles[Priority.P1], True, scale.gap(0.5))
        self._elide_groups()
        self._fit(self.width(), self.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit(event.size().width(), event.size().height())
        self._elide_groups()

    def _fit(self, width: int, height: int) -> None:
        """As many client tiles as the width and the height left below the counts take."""
        scale = self._scale
        if scale is None or width <= 0:
            return
        spacing = self._layout.spacing()
        captions = 3 + self.quiet.isVisibleTo(self)  # oldest P1, clients, "+ N more"
        grouped = len(self._group_texts) * (self.clients_caption.sizeHint().height() + spacing)
        above = (self.priority_tiles[Priority.P1].sizeHint().height() + self.oldest.height()
                 + captions * self.clients_caption.sizeHint().height()
                 + (captions + 2) * spacing + grouped)  # fmt: skip
        tile = ClientTileView.height_for(scale)
        changed = self.grid.fit(scale, width, height - above, tile, TILE_WIDTH_EMS)
        if changed and self._summary is not None:
            self._fill_tiles(self._summary, self._summary.at)

    @property
    def tile_capacity(self) -> int:
        return self.grid.capacity

    def show_quiet(self, titles: list[str]) -> None:
        """The list pages skipped for having nothing to show, in one small line."""
        self.quiet.setText(f"✓ Nothing in {', '.join(titles)} (page skipped)" if titles else "")
        if self.quiet.isVisibleTo(self) != bool(titles):
            self.quiet.setVisible(bool(titles))
            self.grid.reset()
            self._fit(self.width(), self.height())

    def show_summary(self, summary: WallSummary, now: datetime, thresholds: SlaThresholds) -> None:
        self._summary = summary
        for priority, tile in self.priority_tiles.items():
            bg, fg = PRIORITY_COLOURS[priority]
            tile.set_count(summary.open_by_priority[priority], fg, bg)
        quiet = (tokens()["muted"], tokens()["alternate"])
        for tile, count, state in (
            (self.breached, summary.breached, ClockState.BREACHED),
            (self.at_risk, summary.at_risk, ClockState.WARNING),
            (self.likely, summary.likely_soon, ClockState.CRITICAL),
            (self.escalate, summary.escalate, ClockState.CRITICAL),
        ):
            bg, fg = state_colours(state)
            tile.set_count(count, *((fg, bg) if count else quiet))
        oldest = summary.oldest_p1
        self.oldest.set_row(oldest, oldest is not None and oldest.key in summary.breached_p1)
        self.oldest_caption.setVisible(oldest is not None)
        self.no_p1.setVisible(oldest is None)
        self._show_groups(summary)
        self._fill_tiles(summary, now)
        self.tick(now, thresholds)

    def _show_groups(self, summary: WallSummary) -> None:
        """The latest MOST_GROUPS groups, a line each; the tiles give up the room."""
        shown = summary.groups[:MOST_GROUPS]
        texts = [f"{GROUP_MARK} {g.summary}" for g in shown]
        if len(summary.groups) > len(shown):
            texts.append(f"+ {len(summary.groups) - len(shown)} more groups")
        if texts == self._group_texts:
            return
        self._group_texts = texts
        for i, line in enumerate(self.group_lines):
            line.setVisible(i < len(texts))
        self._elide_groups()
        self.grid.reset()
        self._fit(self.width(), self.height())

    def _elide_groups(self) -> None:
        """A label names the event in its members' words: cut to the width, never wrapped."""
        for line, text in zip(self.group_lines, self._group_texts, strict=False):
            width = max(1, self.width())
            line.setText(line.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, width))
            line.setToolTip(text)

    @property
    def group_texts(self) -> list[str]:
        """The group lines shown, in full."""
        return list(self._group_texts)

    def _fill_tiles(self, summary: WallSummary, now: datetime) -> None:
        capacity = self.tile_capacity
        shown = summary.tiles[:capacity]  # "+ N more" has a line of its own below the grid
        for i, view in enumerate(self.client_tiles):
            view.set_tile(shown[i] if i < len(shown) else None, now)
        columns = max(1, self.grid.shape[0])
        used = -(-len(shown) // columns)  # the rows in use share the height
        for row in range(self.client_grid.rowCount()):
            self.client_grid.setRowStretch(row, 1 if row < used else 0)
        self.clients_caption.setVisible(bool(shown))
        hidden = summary.tiles[len(shown) :]
        calm = sum(t.worst is ClockState.OK for t in hidden)
        self.more.setText(f"+ {len(hidden)} more clients ({calm} OK)" if hidden else "")
        self.more.setVisible(bool(hidden))

    def tick(self, now: datetime, thresholds: SlaThresholds) -> None:
        oldest = self._summary.oldest_p1 if self._summary else None
        if oldest is not None:
            self.oldest_caption.setText(f"Oldest P1 — open {fmt.duration(now - oldest.created_at)}")
            paint(self.oldest_caption, tokens()["muted"])
        self.oldest.tick(now, thresholds)
        for view in self.client_tiles:
            view.tick(now)

    def pulse(self, on: bool) -> None:
        self.oldest.pulse(on)
        if self._summary is not None and self._summary.breached_p1:
            bg, fg = PRIORITY_COLOURS[Priority.P1]
            tile = self.priority_tiles[Priority.P1]
            tile.set_count(self._summary.open_by_priority[Priority.P1], *(
                PULSE_COLOURS[::-1] if on else (fg, bg)))  # fmt: skip


class ListPage(QWidget):
    """As many incidents as fit the page's height (at most `most`), nearest deadline
    first, with how many there are. Lines are made when a bigger screen first needs
    them and then only refilled.

    Signals:
        capacity_changed(int): the number of lines that fit changed (a resize).
    """

    capacity_changed = Signal(int)

    def __init__(self, name: str, title: str, most: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.name = name
        self.title = title
        self.most = most
        self.count = label("", "small", self)
        paint(self.count, tokens()["muted"])
        self.lines: list[IncidentLine] = []
        self.empty = label("Nothing here — all clear", "head", self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        paint(self.empty, tokens()["online"])
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.count)
        self._layout.addWidget(self.empty)
        self._layout.addStretch(1)
        self._scale: WallScale | None = None
        self._line_height = 1
        self.capacity = 0
        self._summary: WallSummary | None = None

    def rescale(self, scale: WallScale) -> None:
        self._scale = scale
        self._layout.setSpacing(scale.gap(0.3))
        self._line_height = IncidentLine.height_for(scale)
        for line in self.lines:
            line.rescale(scale)
        self._fit(self.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit(event.size().height())

    def _fit(self, height: int) -> None:
        """Lines for the height: rows fill the page, however tall the screen."""
        if self._scale is None:
            return
        spacing = self._layout.spacing()
        room = height - self.count.sizeHint().height() - spacing
        capacity = max(1, min(self.most, room // (self._line_height + spacing)))
        while len(self.lines) < capacity:
            line = IncidentLine(self)
            line.rescale(self._scale)
            apply_scale(line, self._scale)
            paint(line, tokens()["text"], tokens()["base" if len(self.lines) % 2 else "alternate"])
            line.hide()
            self._layout.insertWidget(1 + len(self.lines), line)
            self.lines.append(line)
        if capacity != self.capacity:
            self.capacity = capacity
            if self._summary is not None:
                self._fill(self._summary)
            self.capacity_changed.emit(capacity)

    def show_summary(self, summary: WallSummary, now: datetime, thresholds: SlaThresholds) -> None:
        self._summary = summary
        self._fill(summary)
        self.tick(now, thresholds)

    def _fill(self, summary: WallSummary) -> None:
        listing = summary.lists.get(self.name)
        rows = listing.rows[: self.capacity] if listing else ()
        total = listing.total if listing else 0
        for i, line in enumerate(self.lines):
            row = rows[i] if i < len(rows) else None
            line.set_row(row, row is not None and row.key in summary.breached_p1)
        noun = "incident" if total == 1 else "incidents"
        more = f" · the {len(rows)} with the nearest deadlines" if total > len(rows) else ""
        self.count.setText(f"{total} {noun}{more}")
        self.empty.setVisible(total == 0)

    def tick(self, now: datetime, thresholds: SlaThresholds) -> None:
        for line in self.lines:
            line.tick(now, thresholds)

    def pulse(self, on: bool) -> None:
        for line in self.lines:
            line.pulse(on)
