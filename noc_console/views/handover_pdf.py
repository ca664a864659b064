"""A handover's HTML on A4 landscape: Qt's rich-text engine and PDF writer, page numbers.

Landscape, because the open-incident list has seven columns and a row that wraps to
several lines may be split across two pages by Qt's pagination; wide rows stay whole.

Used by the Handover view and by `noc-console handover --format pdf`, which runs
headless: `ensure_gui_application` starts Qt on the offscreen platform when no
application exists yet (fonts need a QGuiApplication, a display does not).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

RESOLUTION_DPI = 300
MARGINS_MM = QMarginsF(14, 12, 14, 12)
FOOTER_PT = 9


def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or a new offscreen one for headless commands."""
    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QGuiApplication([sys.argv[0]])


def write_handover_pdf(html: str, path: Path, title: str) -> int:
    """Write `html` to `path` as an A4 PDF with "title — page n of m" on every page.

    Returns the number of pages. Raises OSError when the file cannot be written.
    """
    ensure_gui_application()
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION_DPI)
    writer.setTitle(title)
    writer.setCreator("NOC Console")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            MARGINS_MM,
            QPageLayout.Unit.Millimeter,
        )
    )
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    document.setDocumentMargin(0)
    document.setHtml(html)
    footer_font = QFont(document.defaultFont())
    footer_font.setPointSizeF(FOOTER_PT)
    footer_height = FOOTER_PT * 2.4 * RESOLUTION_DPI / 72
    width, height = writer.width(), writer.height() - footer_height
    document.setPageSize(QRectF(0, 0, width, height).size())
    pages = document.pageCount()
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {path}")
    try:
        for page in range(pages):
            if page:
                writer.newPage()
            painter.save()
            painter.translate(0, -page * height)
            document.drawContents(painter, QRectF(0, page * height, width, height))
            painter.restore()
            painter.setFont(footer_font)
            painter.drawText(
                QRectF(0, height, width, footer_height),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
                f"{title} — page {page + 1} of {pages}",
            )
    finally:
        painter.end()
    return pages
