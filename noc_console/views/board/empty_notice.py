"""A message over an item view with no rows: "nothing matches …" instead of a blank grid.

It sits on the view's viewport, follows its size, and is shown only while the view
has no rows and there is something to say (the board says what the search was, and
what of it was not understood — services/board/search_syntax.py).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel

from noc_console.views.plain_text import plain
from noc_console.views.theme import tokens


class EmptyNotice(QLabel):
    """Centred plain text over `view`'s viewport. Signals: none."""

    def __init__(self, view: QAbstractItemView) -> None:
        viewport = view.viewport()
        super().__init__(viewport)
        self._viewport = viewport
        self.setObjectName("emptyNotice")
        plain(self)  # it quotes the search: typed text, shown as typed
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet(f"color: {tokens()['muted']}; font-size: 15px; padding: 24px;")
        self.hide()
        self._viewport.installEventFilter(self)

    def say(self, text: str) -> None:
        """Show `text` over the view; an empty text hides the notice."""
        if text != self.text():
            self.setText(text)
        self.setVisible(bool(text))
        if text:
            self.resize(self._viewport.size())
            self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._viewport and event.type() == QEvent.Type.Resize:
            self.resize(self._viewport.size())
        return False
