"""Dark (default) and light themes: Fusion plus a complete QPalette.

Colours for priorities and SLA states are chosen from the Okabe–Ito palette, which
stays distinguishable with the common forms of colour blindness; the text always
says the same thing as the colour ("P1", "-12m", "paused").
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from noc_console.models.incident import Priority
from noc_console.models.sla_clock import ClockState

DARK: dict[str, str] = {
    "window": "#16191d",
    "base": "#1d2126",
    "alternate": "#23282e",
    "text": "#e8eaed",
    "muted": "#9aa0a6",
    "button": "#2a2f36",
    "highlight": "#2f6fb3",
    "highlighted_text": "#ffffff",
    "online": "#7fbf8f",
    "warning": "#ffd37a",
    "offline": "#ff6b6b",
    "met": "#7fbf8f",
    "link": "#8ab4f8",
}

LIGHT: dict[str, str] = {
    "window": "#f3f4f6",
    "base": "#ffffff",
    "alternate": "#f1f3f5",
    "text": "#111827",
    "muted": "#6b7280",
    "button": "#e5e7eb",
    "highlight": "#2f6fb3",
    "highlighted_text": "#ffffff",
    "online": "#1a7f37",
    "warning": "#8a5a00",
    "offline": "#c62828",
    "met": "#1a7f37",
    "link": "#1d4ed8",
}

THEMES = ("dark", "light", "system")
_current: dict[str, str] = DARK


def tokens() -> dict[str, str]:
    """The colours of the theme in use (read them when building a widget)."""
    return _current


# Background and text for the priority badge cell.
PRIORITY_COLOURS: dict[Priority, tuple[str, str]] = {
    Priority.P1: ("#d55e00", "#ffffff"),  # vermillion
    Priority.P2: ("#e69f00", "#111111"),  # orange
    Priority.P3: ("#56b4e9", "#111111"),  # sky blue
    Priority.P4: ("#5f6b77", "#ffffff"),  # slate
}

# Background (None: the row's own) and text for an SLA countdown cell; None keeps both.
# The dark theme's (and the wall's, which is always dark).
STATE_COLOURS: dict[ClockState, tuple[str | None, str] | None] = {
    ClockState.OK: None,
    ClockState.WARNING: ("#6b4e00", "#ffd37a"),  # amber
    ClockState.CRITICAL: ("#8a3b00", "#ffc9a3"),  # deep orange
    ClockState.BREACHED: ("#a4161a", "#ffffff"),  # red
    ClockState.PAUSED: ("#2b3a4a", "#9ecbff"),  # steel blue
    ClockState.MET: (None, "#7fbf8f"),  # quiet green: done, needs no attention
}


# The light theme's: the same hues on light grounds, so a paused or at-risk cell is not
# a dark block in a white table; breached stays the loud red of both themes.
LIGHT_STATE_COLOURS: dict[ClockState, tuple[str | None, str] | None] = {
    ClockState.OK: None,
    ClockState.WARNING: ("#fff1c2", "#6b4e00"),  # amber
    ClockState.CRITICAL: ("#ffdcc2", "#8a3b00"),  # deep orange
    ClockState.BREACHED: ("#a4161a", "#ffffff"),  # red
    ClockState.PAUSED: ("#dbeafe", "#1e3a8a"),  # steel blue
    ClockState.MET: (None, "#1a7f37"),
}


def state_colours() -> dict[ClockState, tuple[str | None, str] | None]:
    """The SLA state colours of the theme in use."""
    return LIGHT_STATE_COLOURS if _current is LIGHT else STATE_COLOURS


def apply_dark_theme(app: QApplication, point_size: int = 11) -> None:
    apply_theme(app, "dark", point_size)


def apply_theme(app: QApplication, mode: str = "dark", point_size: int = 11) -> None:
    """Fusion with a full palette: dark (default), light, or the system's choice."""
    global _current
    if mode == "system":
        light = app.styleHints().colorScheme() == Qt.ColorScheme.Light
        mode = "light" if light else "dark"
    _current = LIGHT if mode == "light" else DARK
    app.setStyle("Fusion")
    c = {name: QColor(value) for name, value in _current.items()}
    palette = QPalette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.Window, c["window"])
        palette.setColor(group, QPalette.ColorRole.WindowText, c["text"])
        palette.setColor(group, QPalette.ColorRole.Base, c["base"])
        palette.setColor(group, QPalette.ColorRole.AlternateBase, c["alternate"])
        palette.setColor(group, QPalette.ColorRole.Text, c["text"])
        palette.setColor(group, QPalette.ColorRole.Button, c["button"])
        palette.setColor(group, QPalette.ColorRole.ButtonText, c["text"])
        palette.setColor(group, QPalette.ColorRole.ToolTipBase, c["button"])
        palette.setColor(group, QPalette.ColorRole.ToolTipText, c["text"])
        palette.setColor(group, QPalette.ColorRole.Highlight, c["highlight"])
        palette.setColor(group, QPalette.ColorRole.HighlightedText, c["highlighted_text"])
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, c["muted"])
        palette.setColor(group, QPalette.ColorRole.Link, c["link"])
    disabled = QPalette.ColorGroup.Disabled
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(disabled, role, c["muted"])
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSize(point_size)
    app.setFont(font)
