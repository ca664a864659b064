"""Paints a countdown cell as usual, plus a thin bar of the share of its target used."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from noc_console.models.sla_clock import ClockState
from noc_console.views.board_model import PROGRESS_ROLE, STATE_ROLE
from noc_console.views.cell_style import BAR_COLOURS, BAR_HEIGHT, TRACK


class CountdownDelegate(QStyledItemDelegate):
    """Signals: only those of QStyledItemDelegate."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().paint(painter, option, index)
        used = index.data(PROGRESS_ROLE)
        if used is None:
            return
        state = index.data(STATE_ROLE)
        rect = option.rect  # type: ignore[attr-defined]
        bar = QRect(rect.left() + 4, rect.bottom() - BAR_HEIGHT, rect.width() - 8, BAR_HEIGHT)
        painter.fillRect(bar, TRACK)
        filled = QRect(bar)
        filled.setWidth(int(bar.width() * max(0.0, min(1.0, float(used)))))
        painter.fillRect(filled, BAR_COLOURS.get(state, BAR_COLOURS[ClockState.OK]))
