"""Writing a handover to a file, as HTML or PDF.

One function for `noc-console handover --out` and the Handover window's Export, so the
window saves the file the command writes, the same way: whole or not at all
(`services/safe_file.py`; a PDF is rendered in memory first, `views/handover/pdf.py`).
Qt is imported for a PDF only: the command writes HTML without loading it.
"""

from __future__ import annotations

from pathlib import Path

from noc_console.services.safe_file import replace_atomically

FORMATS = ("html", "pdf")


def write_handover(html: str, title: str, fmt: str, path: Path, portrait: bool = False) -> None:
    """Write the document to `path` in `fmt` ("html" or "pdf"; A4 landscape, or
    `portrait`: the client report uses this too); the folder must exist.
    Raises OSError with the system's reason, `path` then left as it was."""
    if fmt == "html":
        replace_atomically(path, html.encode("utf-8"), create_folders=False)
        return
    from noc_console.views.handover.pdf import write_handover_pdf  # Qt: PDF only

    write_handover_pdf(html, path, title, portrait)
