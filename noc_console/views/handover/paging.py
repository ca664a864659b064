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

A table continued on a new page starts that page with its header rows again (the rows
of its `<thead>`: Qt's `headerRowCount`), as a printed table should: Qt repeats them
only in its own pagination, so the header is drawn here, above the page's rows, and the
page holds that much less of the table.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Header:
    """A table's header rows, in document coordinates: drawn again at the top of a page
    that starts between `end` and `table_end` (inside the table's body)."""

    top: float
    end: float  # where its first body row's space begins
    table_end: float

    @property
    def height(self) -> float:
        return self.end - self.top

    def continues_at(self, y: float) -> bool:
        return self.end <= y < self.table_end


@dataclass(frozen=True, slots=True)
class Page:
    """Where a page starts, and the header it repeats first (None: it repeats none)."""

    top: float
    header: Header | None = None


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
        self.pages = paginate(document, self.height)

    @property
    def count(self) -> int:
        return len(self.pages)

    def paint(self, painter: QPainter, page: int, title: str) -> None:
        """Draw page `page` (from 0) and its footer at the painter's origin."""
        top, header = self.pages[page].top, self.pages[page].header
        bottom = (
            self.pages[page + 1].top if page + 1 < self.count else self.document.size().height()
        )
        offset = 0.0
        if header is not None:
            self._draw(painter, 0, header.top, header.end)
            offset = header.height
        self._draw(painter, offset, top, bottom)
        painter.setFont(self.footer_font)
        painter.drawText(
            QRectF(0, self.height, self.width, self.footer_height),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
            f"{title} — page {page + 1} of {self.count}",
        )

    def _draw(self, painter: QPainter, at: float, top: float, bottom: float) -> None:
        """The document between `top` and `bottom`, drawn `at` this height on the page."""
        painter.save()
        painter.setClipRect(QRectF(0, at, self.width, bottom - top))
        painter.translate(0, at - top)
        context = QAbstractTextDocumentLayout.PaintContext()
        # what ends at `top` or starts at `bottom` is not drawn here (Qt draws a block
        # touching the clip; clipped away, its text would still be in the PDF)
        context.clip = QRectF(0, top + 1, self.width, bottom - top - 2)
        self.document.documentLayout().draw(painter, context)
        painter.restore()


def paginate(document: QTextDocument, height: float) -> list[Page]:
    """Where each page starts, in document coordinates (the first at 0), and the table
    header it repeats."""
    cuts, forced, headers = _cuts(document)
    end = document.size().height()
    pages = [Page(0.0)]
    while True:
        top, header = pages[-1].top, pages[-1].header
        limit = top + height - (header.height if header is not None else 0)
        must = [y for y in forced if top < y <= limit]
        if must:
            pages.append(Page(must[0]))
            continue
        if end <= limit:
            return pages
        i = bisect_right(cuts, limit) - 1
        y = cuts[i] if i >= 0 and cuts[i] > top else limit
        pages.append(Page(y, next((h for h in headers if h.continues_at(y)), None)))


def _cuts(document: QTextDocument) -> tuple[list[float], list[float], list[Header]]:
    """The places a page may start (sorted), those where one must, and the tables'
    headers."""
    layout = document.documentLayout()
    cuts: list[float] = []
    forced: list[float] = []
    headers: list[Header] = []
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
                rows, header = _row_cuts(layout, frame)
                cuts.extend(rows)
                if header is not None:
                    headers.append(header)
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
    return sorted(set(cuts)), sorted(set(forced)), headers


def _forced(fmt: QTextFormat) -> bool:
    policy = fmt.intProperty(QTextFormat.Property.PageBreakPolicy)
    return bool(policy & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore.value)


def _line_tops(block: QTextBlock) -> list[float]:
    lines = block.layout()
    return [lines.lineAt(i).y() for i in range(lines.lineCount())]


def _row_cuts(
    layout: QAbstractTextDocumentLayout, table: QTextTable
) -> tuple[list[float], Header | None]:
    """Between two body rows, halfway between the one's text and the next one's; never
    above the first body row (the header stays with it). And the header rows, from the
    table's top to halfway to the first body row's text (None: no header, or no body)."""
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
    head_rows = min(table.format().headerRowCount(), len(spans))
    cuts = [(spans[row - 1][1] + spans[row][0]) / 2 for row in range(1, len(spans))]
    header = None
    if 0 < head_rows < len(spans):
        box = layout.frameBoundingRect(table)
        header = Header(box.top(), cuts[head_rows - 1], box.bottom())
    return cuts[head_rows:], header
