"""A handover's HTML on A4 landscape: Qt's rich-text engine and PDF writer, page numbers.

Landscape, for the width of the incident tables. The pages are cut by
`views/handover/paging.py` (never inside a table row, a heading kept with its table).

Used by `noc-console handover --format pdf`, which runs headless:
`ensure_gui_application` starts Qt on the offscreen platform when no application
exists yet (fonts need a QGuiApplication, a display does not).

Qt's PDF writer does not report a failed write: on a full disk it left a truncated
file and the command said nothing. The PDF is therefore rendered in memory, checked
to be complete, and written by `services/safe_file.py`, which reports the disk's
error and never leaves a half-written file; Qt never opens the target itself, so
it has no "QPainter::begin(): Returned false" to print either.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPdfWriter,
)

from noc_console.services.safe_file import replace_atomically
from noc_console.views.handover.paging import PagedDocument

RESOLUTION_DPI = 300
MARGINS_MM = QMarginsF(14, 10, 14, 10)


def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or a new offscreen one for headless commands."""
    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QGuiApplication([sys.argv[0]])


def write_handover_pdf(html: str, path: Path, title: str, portrait: bool = False) -> int:
    """Write `html` to `path` as an A4 PDF with "title — page n of m" on every page
    (landscape, or `portrait`: the client report).

    Returns the number of pages. Raises OSError when the file cannot be written whole
    (`path` is then left as it was).
    """
    data, pages = render_handover_pdf(html, title, portrait)
    replace_atomically(path, data, create_folders=False)
    return pages


def render_handover_images(
    html: str, title: str, dpi: int = 110, portrait: bool = False
) -> list[QImage]:
    """The pages as the PDF prints them, as images (`dpi` dots per inch): laid out at
    the PDF's resolution, so lines and page cuts fall where they fall in the PDF."""
    ensure_gui_application()
    layout = _page_layout(portrait)
    paper = layout.fullRectPixels(RESOLUTION_DPI)
    inner = layout.paintRectPixels(RESOLUTION_DPI)
    device = QImage(paper.size(), QImage.Format.Format_RGB32)
    dots_per_metre = round(RESOLUTION_DPI / 0.0254)
    device.setDotsPerMeterX(dots_per_metre)
    device.setDotsPerMeterY(dots_per_metre)
    pages = PagedDocument(html, device, inner.width(), inner.height())
    images = []
    for page in range(pages.count):
        image = QImage(device)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(inner.topLeft())
        pages.paint(painter, page, title)
        painter.end()
        images.append(
            image.scaledToWidth(
                round(paper.width() * dpi / RESOLUTION_DPI),
                Qt.TransformationMode.SmoothTransformation,
            )
        )
    return images


def printed_width(device: QPaintDevice) -> int:
    """The width the PDF lays its text out at, in `device`'s pixels: a view at this
    width breaks the lines where the paper does (type sizes are in points)."""
    return _page_layout().paintRectPixels(device.logicalDpiX()).width()


def _page_layout(portrait: bool = False) -> QPageLayout:
    orientation = (
        QPageLayout.Orientation.Portrait if portrait else QPageLayout.Orientation.Landscape
    )
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        orientation,
        MARGINS_MM,
        QPageLayout.Unit.Millimeter,
    )


def render_handover_pdf(html: str, title: str, portrait: bool = False) -> tuple[bytes, int]:
    """The PDF's bytes and its number of pages."""
    ensure_gui_application()
    content = QByteArray()
    buffer = QBuffer(content)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION_DPI)
    writer.setTitle(title)
    writer.setCreator("NOC Console")
    writer.setPageLayout(_page_layout(portrait))
    pages = PagedDocument(html, writer, writer.width(), writer.height())
    painter = QPainter()
    if not painter.begin(writer):
        raise RuntimeError("Qt's PDF writer did not start on a memory buffer")
    try:
        for page in range(pages.count):
            if page:
                writer.newPage()
            pages.paint(painter, page, title)
    finally:
        painter.end()
    buffer.close()
    data = bytes(content.data())  # a QByteArray's data() is typed as any buffer
    if not data.rstrip().endswith(b"%%EOF"):
        raise RuntimeError("Qt's PDF writer produced an incomplete document")
    return data, pages.count
