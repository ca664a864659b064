"""Trend charts and sparklines painted with QPainter.

Why not a chart library: Qt Charts ships in PySide6-Addons (a 59 MB wheel for Linux
x86-64; our venv and bundle hold PySide6-Essentials only) and pyqtgraph needs numpy
(1.9 MB + 15.7 MB wheels, neither installed). A few bars and lines over at most a
year of steps is a small paint routine: this module, no new dependency, and it
repaints in well under a millisecond per chart (see the commit that added it).

A chart holds what it shows (`labels`, `series`) so tests can read it back.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from noc_console.views.theme import tokens


@dataclass(frozen=True, slots=True)
class Series:
    """One named row of values, one per step; None leaves a gap (nothing to measure)."""

    name: str
    values: tuple[float | None, ...]
    colour: str
    bars: bool = True  # bars side by side in each step, or a line through the steps


def nice_ceiling(value: float) -> float:
    """An axis' top at or above `value`: four times a round step (1, 1.5, 2, 2.5, 3, 4,
    5, 6 or 8 × 10ⁿ), so each of the four grid lines gets a round value."""
    if value <= 0:
        return 1.0
    quarter = value / 4
    power = 10 ** math.floor(math.log10(quarter))
    step = next(m * power for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * power >= quarter)
    return float(step * 4)


class TrendChart(QWidget):
    """A titled chart: grouped bars and lines over labelled steps, a value axis with
    four grid lines, and dashed guides (compliance thresholds).

    Signals: only those of QWidget.
    """

    def __init__(
        self,
        title: str,
        text: Callable[[float], str],
        parent: QWidget | None = None,
        top: float | None = None,
        guides: Sequence[float] = (),
    ) -> None:
        super().__init__(parent)
        self.title = title
        self._text = text
        self._top = top  # a fixed axis top (1.0 for a share); else fitted to the values
        self.guides = tuple(guides)
        self.labels: tuple[str, ...] = ()
        self.series: tuple[Series, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(title)

    def sizeHint(self) -> QSize:
        return QSize(360, 220)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, 140)

    def set_data(self, labels: Sequence[str], series: Sequence[Series]) -> None:
        self.labels, self.series = tuple(labels), tuple(series)
        self.update()

    @property
    def top(self) -> float:
        if self._top is not None:
            return self._top
        values = [v for s in self.series for v in s.values if v is not None]
        return nice_ceiling(max(values, default=0.0))

    def paintEvent(self, event: QPaintEvent) -> None:
        colours = tokens()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        line = metrics.height()
        area = QRectF(self.contentsRect()).adjusted(4, 2, -6, -2)
        painter.setPen(QColor(colours["text"]))
        bold = painter.font()
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(area.topLeft() + QPointF(0, metrics.ascent()), self.title)
        painter.setFont(self.font())
        self._legend(painter, area, line)
        top = self.top
        axis_width = max(metrics.horizontalAdvance(self._text(top * i / 4)) for i in range(5))
        plot = area.adjusted(axis_width + 8, line * 1.6, 0, -line * 1.4)
        if plot.width() < 20 or plot.height() < 20:
            return
        muted = QColor(colours["muted"])
        for i in range(5):  # grid lines and their values
            y = plot.bottom() - plot.height() * i / 4
            painter.setPen(QPen(QColor(colours["alternate"] if i else colours["muted"]), 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(muted)
            box = QRectF(area.left(), y - line / 2, axis_width, line)
            painter.drawText(box, int(Qt.AlignmentFlag.AlignRight), self._text(top * i / 4))
        for guide in self.guides:
            y = plot.bottom() - plot.height() * min(guide / top, 1.0)
            painter.setPen(QPen(QColor(colours["warning"]), 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        steps = len(self.labels)
        if not steps or all(v is None for s in self.series for v in s.values):
            painter.setPen(muted)
            painter.drawText(plot, int(Qt.AlignmentFlag.AlignCenter), "No data in this period")
            return
        self._bars(painter, plot, steps, top)
        self._lines(painter, plot, steps, top)
        self._step_labels(painter, plot, steps, line)

    def _legend(self, painter: QPainter, area: QRectF, line: int) -> None:
        metrics = painter.fontMetrics()
        x = area.right()
        for series in reversed(self.series):
            x -= metrics.horizontalAdvance(series.name) + line + 10
            painter.fillRect(QRectF(x, area.top() + line * 0.2, line * 0.7, line * 0.7),
                             QColor(series.colour))  # fmt: skip
            painter.setPen(QColor(tokens()["text"]))
            painter.drawText(QPointF(x + line, area.top() + metrics.ascent()), series.name)

    def _bars(self, painter: QPainter, plot: QRectF, steps: int, top: float) -> None:
        bars = [s for s in self.series if s.bars]
        if not bars:
            return
        slot = plot.width() / steps
        width = max(1.0, slot * 0.8 / len(bars))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # square bars: 4× faster
        left, bottom, tall = plot.left() + slot * 0.1, plot.bottom(), plot.height()
        for n, series in enumerate(bars):
            colour = QColor(series.colour)
            for i, value in enumerate(series.values[:steps]):
                if value:
                    height = tall * min(value / top, 1.0)
                    box = QRectF(left + slot * i + width * n, bottom - height, width, height)
                    painter.fillRect(box, colour)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)

    def _lines(self, painter: QPainter, plot: QRectF, steps: int, top: float) -> None:
        slot = plot.width() / steps
        for series in (s for s in self.series if not s.bars):
            painter.setPen(QPen(QColor(series.colour), 2))
            path, drawing = QPainterPath(), False
            for i, value in enumerate(series.values[:steps]):
                if value is None:
                    drawing = False
                    continue
                point = QPointF(plot.left() + slot * (i + 0.5),
                                plot.bottom() - plot.height() * min(value / top, 1.0))  # fmt: skip
                if drawing:
                    path.lineTo(point)
                else:
                    path.moveTo(point)
                drawing = True
                if steps <= 40:
                    painter.setBrush(QColor(series.colour))
                    painter.drawEllipse(point, 2.5, 2.5)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)

    def _step_labels(self, painter: QPainter, plot: QRectF, steps: int, line: int) -> None:
        metrics = painter.fontMetrics()
        widest = metrics.horizontalAdvance(max(self.labels, key=len)) + 8  # one format each
        slot = plot.width() / steps
        every = max(1, math.ceil(widest / slot))
        painter.setPen(QColor(tokens()["muted"]))
        for i in range(0, steps, every):
            box = QRectF(plot.left() + slot * (i + 0.5) - widest / 2, plot.bottom() + 2,
                         widest, line)  # fmt: skip
            painter.drawText(box, int(Qt.AlignmentFlag.AlignHCenter), self.labels[i])


class Sparkline(QWidget):
    """A share (0…1) per step as a thin line, its last point marked; gaps for None.

    Signals: only those of QWidget.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: tuple[float | None, ...] = ()
        self.colour = tokens()["text"]
        self.guide: float | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_values(self, values: Sequence[float | None], colour: str, guide: float | None) -> None:
        self.values, self.colour, self.guide = tuple(values), colour, guide
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        steps = len(self.values)
        if steps < 2:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = max(2.0, self.height() / 14)
        box = QRectF(self.rect()).adjusted(pen * 2, pen * 2, -pen * 2, -pen * 2)
        if self.guide is not None:
            y = box.bottom() - box.height() * self.guide
            painter.setPen(QPen(QColor(tokens()["muted"]), 1, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(box.left(), y), QPointF(box.right(), y))
        painter.setPen(QPen(QColor(self.colour), pen))
        path, drawing, last = QPainterPath(), False, None
        for i, value in enumerate(self.values):
            if value is None:
                drawing = False
                continue
            last = QPointF(box.left() + box.width() * i / (steps - 1),
                           box.bottom() - box.height() * value)  # fmt: skip
            if drawing:
                path.lineTo(last)
            else:
                path.moveTo(last)
            drawing = True
        painter.drawPath(path)
        if last is not None:
            painter.setBrush(QColor(self.colour))
            painter.drawEllipse(last, pen * 1.5, pen * 1.5)
