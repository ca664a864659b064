"""Ticket text in Qt widgets: shown as the characters it is, never parsed as HTML.

Qt guesses a text's format: a QLabel left at AutoText, and every tooltip, is parsed
as HTML when its first line looks like a tag — a ticket titled `<b>…<img src=
"file:///…">` drew a local image in the status bar. Labels that may show PSA text are
set to plain text (`plain`); a tooltip cannot be told its format, so `tooltip` makes
it HTML on purpose with the text escaped, capped and its line breaks kept. Item views
(the board, lists, tables) draw their display text plain already.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from noc_console.models.text_limits import BLOCK, capped


def plain(*labels: QLabel) -> None:
    """Show these labels' texts literally, whatever they contain."""
    for label in labels:
        label.setTextFormat(Qt.TextFormat.PlainText)


def tooltip(text: str) -> str:
    """A tooltip that shows `text` literally (line breaks kept, long lines wrapped)."""
    escaped = html.escape(capped(text, BLOCK), quote=False)
    return f'<p style="white-space:pre-wrap">{escaped}</p>'


def button_text(text: str) -> str:
    """`text` for a button or menu, where "&" would make the next letter a shortcut."""
    return text.replace("&", "&&")
