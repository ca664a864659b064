"""Cutting a rich-text document into pages where a reader expects the cuts.

Qt's own pagination (`QTextDocument.setPageSize`) moves each *line* that crosses the
page edge to the next page: a table row whose title wraps was split, its id on one
page and the rest of its title on the next, and a heading could end a page with its
table on the following one. Qt's HTML parser honours `page-break-before/after: always`
but not `page-break-inside: avoid`, nor a heading kept with what follows.

So the document is laid out as one long page (no pagination by Qt), and the pages are
cut here, at the highest place below each page's top that does not fall inside a table
row, a paragraph's line, or between a heading and what follows it (nor between a
table's header and its first row). A forced break (`page-break-before: always`, as
the handover's summary page ends with) is honoured. Only something taller than a page
(a 10,000-character note) is cut between its lines wherever the page ends.
"""

from __future__ import annotations

from bisect import bisect_right

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QPaintDevice,
    QPainter,
    QTextBlock,
    QTextDocument,
    QTextFormat,
    QTextTable,
)

FOOTER_PT = 9
FOOTER_BAND = 2  # the footer's band, in multiples of its type size


#: The body text's size on paper (the app's font size is the screen's, set by the theme).
BODY_PT = 9.0


class PagedDocument:
    """`html` laid out for `device` in a `width` × `height` area (device units), with
    a footer band at the bottom of each page and the page tops chosen as above."""

    def __init__(self, html: str, device: QPaintDevice, width: float, height: float) -> None:
        document = QTextDocument()
        document.documentLayout().setPaintDevice(device)
        document.setDocumentMargin(0)
        body = QFont(document.defaultFont())  # paper's type, not the screen's UI size
        body.setPointSizeF(BODY_PT)
        document.setDefaultFont(body)
        document.setHtml(html)
        document.setTextWidth(width)  # one long page: Qt inserts no page gaps
        self.document = document
        self.footer_font = QFont(document.defaultFont())
        self.footer_font.setPointSizeF(FOOTER_PT)
        self.footer_height = FOOTER_PT * FOOTER_BAND * device.logicalDpiY() / 72
        self.width, self.height = width, height - self.footer_height
        self.tops = page_tops(document, self.height)

    @property
    def count(self) -> int:
        return len(self.tops)

    def paint(self, painter: QPainter, page: int, title: str) -> None:
        """Draw page `page` (from 0) and its footer at the painter's origin."""
        top = self.tops[page]
        bottom = self.tops[page + 1] if page + 1 < self.count else self.document.size().height()
        painter.save()
        painter.setClipRect(QRectF(0, 0, self.width, bottom - top))
        painter.translate(0, -top)
        context = QAbstractTextDocumentLayout.PaintContext()
        # what ends at this page's top or starts at the next one's is not drawn here (Qt
        # draws a block touching the clip; clipped away, its text would still be in the PDF)
        context.clip = QRectF(0, top + 1, self.width, bottom - top - 2)
        self.document.documentLayout().draw(painter, context)
        painter.restore()
        painter.setFont(self.footer_font)
        painter.drawText(
            QRectF(0, self.height, self.width, self.footer_height),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
            f"{title} — page {page + 1} of {self.count}",
        )


def page_tops(document: QTextDocument, height: float) -> list[float]:
    """Where each page starts, in document coordinates (the first at 0)."""
    cuts, forced = _cuts(document)
    end = document.size().height()
    tops = [0.0]
    while True:
        top = tops[-1]
        limit = top + height
        must = [y for y in forced if top < y <= limit]
        if must:
            tops.append(must[0])
            continue
        if end <= limit:
            return tops
        i = bisect_right(cuts, limit) - 1
        tops.append(cuts[i] if i >= 0 and cuts[i] > top else limit)


def _cuts(document: QTextDocument) -> tuple[list[float], list[float]]:
    """The places a page may start (sorted), and those where one must."""
    layout = document.documentLayout()
    cuts: list[float] = []
    forced: list[float] = []
    held = False  # the previous item is a heading: no cut before this one
    item = document.rootFrame().begin()
    while not item.atEnd():
        frame, block = item.currentFrame(), item.currentBlock()
        if frame is not None:
            top = layout.frameBoundingRect(frame).top()
            if _forced(frame.frameFormat()):
                forced.append(top)
            if not held:
                cuts.append(top)
            if isinstance(frame, QTextTable):
                cuts.extend(_row_cuts(layout, frame))
            held = False
        elif block.isValid() and (block.length() > 1 or block.blockFormat().headingLevel()):
            rect = layout.blockBoundingRect(block)
            if _forced(block.blockFormat()):
                forced.append(rect.top())
            if not held:
                cuts.append(rect.top())
            cuts.extend(rect.top() + y for y in _line_tops(block)[1:])
            held = block.blockFormat().headingLevel() > 0
        item += 1
    return sorted(set(cuts)), sorted(set(forced))


def _forced(fmt: QTextFormat) -> bool:
    policy = fmt.intProperty(QTextFormat.Property.PageBreakPolicy)
    return bool(policy & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore.value)


def _line_tops(block: QTextBlock) -> list[float]:
    lines = block.layout()
    return [lines.lineAt(i).y() for i in range(lines.lineCount())]


def _row_cuts(layout: QAbstractTextDocumentLayout, table: QTextTable) -> list[float]:
    """Between two body rows, halfway between the one's text and the next one's; never
    above the first body row (the header stays with it)."""
    spans = []
    for row in range(table.rows()):
        tops, bottoms = [], []
        for column in range(table.columns()):
            cell = table.cellAt(row, column)
            first = cell.firstCursorPosition().block()
            last = cell.lastCursorPosition().block()
            tops.append(layout.blockBoundingRect(first).top())
            bottoms.append(layout.blockBoundingRect(last).bottom())
        spans.append((min(tops), max(bottoms)))
    first_body = table.format().headerRowCount() + 1
    return [
        (spans[row - 1][1] + spans[row][0]) / 2 for row in range(max(first_body, 1), len(spans))
    ]
