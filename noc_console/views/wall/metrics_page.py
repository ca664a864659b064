"""The wall's `metrics` page: today's opened and resolved, MTTA and MTTR today against
last week's, and a tile per client with its SLA compliance over the last seven days
and a fourteen-day sparkline, worst first — sized by `WallScale` to be read at 5 m.

Filled from a `WallMetrics` (`services/wall/metrics_summary.py`) read on the worker;
a figure slower than last week's carries ▲ and amber, a faster one ▼ and green.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from noc_console.models.clock_text import duration
from noc_console.models.sla_clock import SlaThresholds
from noc_console.models.text_limits import capped
from noc_console.services.wall.metrics_summary import (
    COMPLIANCE_DAYS,
    SPARK_DAYS,
    ClientCompliance,
    WallMetrics,
)
from noc_console.services.wall.summary import WallSummary
from noc_console.views.metrics.chart import Sparkline
from noc_console.views.metrics.compliance import compliance_state, compliance_text, compliance_words
from noc_console.views.theme import STATE_COLOURS, tokens
from noc_console.views.wall.scale import WallScale, label
from noc_console.views.wall.tile_grid import TileGrid
from noc_console.views.wall.widgets import CountTile, ElidedLabel, paint

TILE_WIDTH_EMS = 11  # a compliance tile's width in body-text heights: 5 across at 1080p
SLOWER, FASTER = "▲", "▼"


def versus(today: timedelta | None, last_week: timedelta | None) -> tuple[str, int]:
    """Today's figure with its mark against last week's, and the comparison's sign
    (1 slower, -1 faster, 0 the same within 10 % or nothing to compare)."""
    if today is None:
        return ("—", 0)
    if last_week is None or abs(today - last_week) <= last_week * 0.1:
        return (duration(today), 0)
    slower = today > last_week
    return (f"{SLOWER if slower else FASTER} {duration(today)}", 1 if slower else -1)


class ComplianceTile(QFrame):
    """One client: name, compliance with its mark, the band in words with its breaches,
    and the sparkline.

    Signals: only those of QFrame.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = ElidedLabel("body", self)
        self.figure = label("", "head", self)
        self.words = ElidedLabel("small", self)
        self.spark = Sparkline(self)
        self._layout = layout = QVBoxLayout(self)
        layout.setSpacing(0)
        for part in (self.name, self.figure, self.words, self.spark):
            layout.addWidget(part)
        self.setAutoFillBackground(True)
        self.client: ClientCompliance | None = None

    @staticmethod
    def height_for(scale: WallScale) -> int:
        text = scale.px("body") + scale.px("head") + scale.px("small")
        return round(text * 1.25 + scale.px("small") * 1.8) + 2 * scale.gap(0.8)

    def rescale(self, scale: WallScale) -> None:
        self._layout.setContentsMargins(*(scale.gap(0.8),) * 4)
        self.spark.setFixedHeight(round(scale.px("small") * 1.8))

    def set_client(self, client: ClientCompliance | None, thresholds: SlaThresholds) -> None:
        self.client = client
        self.setVisible(client is not None)
        if client is None:
            return
        self.name.setText(capped(client.name))
        self.figure.setText(compliance_text(client.compliance, thresholds))
        late = f" · {client.breaches} breached" if client.breaches else ""
        self.words.setText(compliance_words(client.compliance, thresholds) + late)
        state = compliance_state(client.compliance, thresholds)
        pair = STATE_COLOURS.get(state) if state is not None else None
        bg = (pair[0] if pair else None) or tokens()["alternate"]
        fg = pair[1] if pair else tokens()["muted"]
        paint(self, fg, bg)
        paint(self.name, tokens()["text"] if bg == tokens()["alternate"] else fg)
        paint(self.figure, fg)
        paint(self.words, fg)
        self.spark.set_values(client.daily, fg, thresholds.critical_at)


class MetricsPage(QWidget):
    """Today's figures over the clients' compliance tiles (as many as fit).

    Signals: only those of QWidget.
    """

    title = "Service metrics"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.opened = CountTile("opened today", self)
        self.resolved = CountTile("resolved today", self)
        self.mtta = CountTile("MTTA today", self)
        self.mttr = CountTile("MTTR today", self)
        counts = QHBoxLayout()
        for tile in (self.opened, self.resolved, self.mtta, self.mttr):
            counts.addWidget(tile, 1)
        self.caption = label(
            f"SLA compliance per client — last {COMPLIANCE_DAYS} days, worst first; "
            f"line: each of the last {SPARK_DAYS} days", "small", self,
        )  # fmt: skip
        paint(self.caption, tokens()["muted"])
        self.waiting = label("Reading the metrics…", "body", self)
        paint(self.waiting, tokens()["muted"])
        self.more = label("", "small", self)
        paint(self.more, tokens()["muted"])
        self.grid = TileGrid(lambda: ComplianceTile(self), ComplianceTile.rescale)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addLayout(counts)
        self._layout.addWidget(self.caption)
        self._layout.addWidget(self.waiting)
        self._layout.addLayout(self.grid.layout, 1)
        self._layout.addWidget(self.more)
        self.metrics: WallMetrics | None = None
        self._thresholds = SlaThresholds()
        self._scale: WallScale | None = None

    @property
    def tiles(self) -> list[ComplianceTile]:
        return self.grid.tiles

    # The page interface the wall calls on every page; this one follows `show_metrics`.
    def show_summary(self, summary: WallSummary, now: datetime, thresholds: SlaThresholds) -> None:
        self._thresholds = thresholds

    def tick(self, now: datetime, thresholds: SlaThresholds) -> None:
        pass

    def pulse(self, on: bool) -> None:
        pass

    def rescale(self, scale: WallScale) -> None:
        self._scale = scale
        self._layout.setSpacing(scale.gap(1.2))
        self.grid.rescale(scale)
        self._fit(self.width(), self.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit(event.size().width(), event.size().height())

    @property
    def capacity(self) -> int:
        return self.grid.capacity

    def show_metrics(self, metrics: WallMetrics, thresholds: SlaThresholds) -> None:
        self.metrics, self._thresholds = metrics, thresholds
        self.waiting.hide()
        quiet = (tokens()["text"], tokens()["alternate"])
        self.opened.set_figure(f"{metrics.today.opened:,}", *quiet)
        self.resolved.set_figure(f"{metrics.today.resolved:,}", *quiet)
        for tile, name, today, week in (
            (self.mtta, "MTTA", metrics.today.mtta, metrics.last_week.mtta),
            (self.mttr, "MTTR", metrics.today.mttr, metrics.last_week.mttr),
        ):
            text, sign = versus(today, week)
            fg = {1: tokens()["warning"], -1: tokens()["online"]}.get(sign, tokens()["text"])
            tile.set_figure(text, fg, tokens()["alternate"])
            tile.caption.setText(f"{name} today · last week {duration(week) if week else '—'}")
        self._fill()

    def _fit(self, width: int, height: int) -> None:
        """As many tiles as the room below today's figures takes."""
        scale = self._scale
        if scale is None or width <= 0:
            return
        spacing = self._layout.spacing()
        above = (self.opened.sizeHint().height() + 2 * self.caption.sizeHint().height()
                 + 3 * spacing)  # fmt: skip
        tile = ComplianceTile.height_for(scale)
        if self.grid.fit(scale, width, height - above, tile, TILE_WIDTH_EMS):
            for view in self.tiles:
                view.setFixedHeight(tile)
            self._fill()

    def _fill(self) -> None:
        metrics = self.metrics
        if metrics is None:
            return
        shown = metrics.clients[: self.capacity]
        for i, view in enumerate(self.tiles):
            view.set_client(shown[i] if i < len(shown) and i < self.capacity else None,
                            self._thresholds)  # fmt: skip
        hidden = metrics.clients[len(shown) :]
        floor = self._thresholds.critical_at
        fine = sum(c.compliance is not None and c.compliance >= floor for c in hidden)
        self.more.setText(f"+ {len(hidden)} more clients ({fine} on target)" if hidden else "")
        self.more.setVisible(bool(hidden))
