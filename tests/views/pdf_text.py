"""Where text lands in a PDF: each page's fragments with their height on the page,
read with pypdf (what a printed handover is checked against)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader


@dataclass(frozen=True, slots=True)
class Fragment:
    page: int  # from 1
    text: str
    y: float  # points from the bottom of the page


def fragments(path: Path) -> list[Fragment]:
    """Every non-blank text run of the PDF, in drawing order."""
    found: list[Fragment] = []
    for number, page in enumerate(PdfReader(str(path)).pages, start=1):

        def seen(text: str, cm: Any, tm: Any, _font: Any, _size: Any, number: int = number) -> None:
            if text.strip():
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                found.append(Fragment(number, " ".join(text.split()), float(y)))

        page.extract_text(visitor_text=seen)
    return found
