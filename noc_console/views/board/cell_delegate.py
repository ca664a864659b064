"""Paints every board cell from its cached `Cell`: one call into Python per cell.

Qt's own delegate asks the model for seven roles per cell and lays its text out again
on every paint. Here the cell's text, look and bar come from the live rows' cache in
one lookup, the look's colours from a table made once, and the laid-out text from a
`QTextLayout` kept per text, width, weight and alignment — so a repaint of 30 rows lays
out only the texts that changed. It draws what Qt's Fusion style draws for a plain cell
(the same margins, elision, alignment, vertical centring and selection colours: the
tests compare the pixels); the cell with keyboard focus, which also gets the style's
focus frame, is painted by Qt's delegate. Fonts are the view's at its first paint.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPointF, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QPen,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from noc_console.services.board.columns import COLUMNS, Align, Cell, Elide, Look
from noc_console.views.board.cell_style import (
    ALIGNMENTS,
    BAR_HEIGHT,
    OUTLINE_WIDTH,
    TRACK,
    CellStyle,
    cell_styles,
)
from noc_console.views.board.model import BoardModel

MAX_LAID_OUT = 4096  # laid-out texts kept; more and the cache starts again
_SELECTED = QStyle.StateFlag.State_Selected
_FOCUS = QStyle.StateFlag.State_HasFocus
_ACTIVE = QStyle.StateFlag.State_Active
_ENABLED = QStyle.StateFlag.State_Enabled
_ALIGN = [spec.align for spec in COLUMNS]
_LayoutKey = tuple[str, int, bool, Align, Qt.TextElideMode]  # text, width, bold, align, elide
_ELIDE = [
    Qt.TextElideMode.ElideLeft if spec.elide is Elide.START else Qt.TextElideMode.ElideRight
    for spec in COLUMNS
]
_NORMAL, _INACTIVE, _DISABLED = (
    QPalette.ColorGroup.Active,
    QPalette.ColorGroup.Inactive,
    QPalette.ColorGroup.Disabled,
)
Index = QModelIndex | QPersistentModelIndex
#: Looks a selected row keeps (the priority badge): the selection must not hide a P1.
_KEEP_WHEN_SELECTED = frozenset({Look.P1, Look.P2, Look.P3, Look.P4})
LaidOut = tuple[QTextLayout, int]  # the text laid out, and its top within the cell


class CellDelegate(QStyledItemDelegate):
    """Signals: only those of QStyledItemDelegate."""

    def __init__(self, model: BoardModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._styles: dict[Look, CellStyle] = cell_styles()
        self._laid_out: dict[_LayoutKey, LaidOut] = {}
        self._fonts: tuple[QFont, QFont, QFontMetrics, QFontMetrics] | None = None
        self._margin = -1

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        state = option.state
        column = index.column()
        cell = self._model.cell(index.row(), column)
        if state & _SELECTED and cell.look in _KEEP_WHEN_SELECTED:
            option = QStyleOptionViewItem(option)  # drawn as unselected: its own colours
            state = option.state = state & ~_SELECTED
        if state & _FOCUS:  # the style's focus frame: Qt's delegate draws this one
            option = QStyleOptionViewItem(option)
            option.textElideMode = _ELIDE[column]
            super().paint(painter, option, index)
            style = self._styles[cell.look]
            if style.mark or style.outline:
                paint_cue(painter, option, style, cue_colour(option, style))
            self._bar(painter, option.rect, cell)
            return
        rect: QRect = option.rect
        palette: QPalette = option.palette
        group = (_NORMAL if state & _ACTIVE else _INACTIVE) if state & _ENABLED else _DISABLED
        style = self._styles[cell.look]
        if state & _SELECTED:
            painter.fillRect(rect, palette.brush(group, QPalette.ColorRole.Highlight))
            pen = palette.color(group, QPalette.ColorRole.HighlightedText)
        else:
            if style.background is not None:
                painter.fillRect(rect, style.background)
            foreground = style.foreground
            pen = (
                palette.color(group, QPalette.ColorRole.Text) if foreground is None else foreground
            )
        if cell.text:
            self._text(painter, option, rect, cell.text, style.bold, column, pen)
        if style.mark or style.outline:
            paint_cue(painter, option, style, pen)
        self._bar(painter, rect, cell)

    def _text(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        rect: QRect,
        text: str,
        bold: bool,
        column: int,
        pen: QColor,
    ) -> None:
        if self._fonts is None or self._margin < 0:
            self._prepare(option)
        margin = self._margin
        key = (text, rect.width() - 2 * margin, bold, _ALIGN[column], _ELIDE[column])
        laid_out = self._laid_out.get(key)
        if laid_out is None:
            laid_out = self._lay_out(key, rect.height())
        layout, y = laid_out
        painter.setPen(pen)
        layout.draw(painter, QPointF(rect.x() + margin, rect.y() + y))

    def _lay_out(self, key: _LayoutKey, height: int) -> LaidOut:
        """The text laid out as Qt's style lays it out (elided at the column's `Elide` end
        to the text box, aligned in it, the line centred on whole pixels): pixel for pixel
        the same."""
        assert self._fonts is not None
        text, width, bold, align, elide = key
        regular, heavy, regular_metrics, heavy_metrics = self._fonts
        font, metrics = (heavy, heavy_metrics) if bold else (regular, regular_metrics)
        layout = _line(text, font, align, width)
        if layout.lineAt(0).naturalTextWidth() > width:  # Qt elides what overflows at all
            layout = _line(metrics.elidedText(text, elide, width),
                           font, align, width)  # fmt: skip
        if len(self._laid_out) >= MAX_LAID_OUT:
            self._laid_out.clear()
        # QStyle.alignedRect centres as Qt's style does: half the cell less half the text.
        top = height // 2 - round(layout.boundingRect().height()) // 2
        laid_out = self._laid_out[key] = (layout, top)
        return laid_out

    def _prepare(self, option: QStyleOptionViewItem) -> None:
        font = QFont(option.font)
        bold = QFont(font)
        bold.setBold(True)
        self._fonts = (font, bold, QFontMetrics(font), QFontMetrics(bold))
        widget: QWidget | None = option.widget
        style = widget.style() if widget is not None else None
        focus_margin = QStyle.PixelMetric.PM_FocusFrameHMargin
        self._margin = (style.pixelMetric(focus_margin, None, widget) if style else 0) + 1
        self._laid_out.clear()

    def _bar(self, painter: QPainter, rect: QRect, cell: Cell) -> None:
        """The thin bar of an SLA target used, along the cell's bottom edge."""
        if cell.bar is None:
            return
        colour = self._styles[cell.look].bar
        if colour is None:
            return
        bar = QRect(rect.left() + 4, rect.bottom() - BAR_HEIGHT, rect.width() - 8, BAR_HEIGHT)
        painter.fillRect(bar, TRACK)
        filled = QRect(bar)
        filled.setWidth(int(bar.width() * cell.bar))
        painter.fillRect(filled, colour)


def cue_colour(option: QStyleOptionViewItem, style: CellStyle) -> QColor:
    """The colour of a cell's text, which its cue takes too."""
    state = option.state
    group = (_NORMAL if state & _ACTIVE else _INACTIVE) if state & _ENABLED else _DISABLED
    if state & _SELECTED:
        return option.palette.color(group, QPalette.ColorRole.HighlightedText)
    if style.foreground is None:
        return option.palette.color(group, QPalette.ColorRole.Text)
    return style.foreground


def paint_cue(
    painter: QPainter, option: QStyleOptionViewItem, style: CellStyle, colour: QColor
) -> None:
    """The cue beside the colour: the state's mark at the cell's left edge (countdowns
    are right-aligned, so it stays clear of the text) and a P1 badge's outline."""
    rect: QRect = option.rect
    painter.save()
    if style.outline:
        half = OUTLINE_WIDTH // 2
        painter.setPen(QPen(colour, OUTLINE_WIDTH))
        painter.drawRect(rect.adjusted(1 + half, 1 + half, -1 - half, -1 - half))
    if style.mark:
        painter.setPen(colour)
        painter.setFont(option.font)
        box = QRect(rect.left() + 4, rect.top(), rect.height(), rect.height())
        painter.drawText(box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         style.mark)  # fmt: skip
    painter.restore()


def _line(text: str, font: QFont, align: Align, width: int) -> QTextLayout:
    layout = QTextLayout(text, font)
    text_option = QTextOption(ALIGNMENTS[align])
    text_option.setWrapMode(QTextOption.WrapMode.ManualWrap)
    layout.setTextOption(text_option)
    layout.beginLayout()
    layout.createLine().setLineWidth(width)
    layout.endLayout()
    return layout
