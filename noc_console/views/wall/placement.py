"""Which screen the wall fills, and keeping it there through restarts and display sleep.

The screen is remembered by name in QSettings (`wall/screen`), so a restart without
`--screen` returns to it. When the screen disappears (unplugged, or a display that
reports itself gone while asleep) the wall moves to the primary screen and keeps
waiting for its own; when a screen of that name appears again, the wall goes back.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import QObject, QSettings, QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

SETTINGS_KEY = "wall/screen"


def choose_screen(names: Sequence[str], requested: int | None, saved: str | None) -> str | None:
    """The name of the screen the wall wants: `--screen N` (0-based) when it exists,
    else the remembered one; None means the primary screen."""
    if requested is not None:
        if 0 <= requested < len(names):
            return names[requested]
        log.warning("--screen %d: there are %d screens (0–%d); using the primary one",
                    requested, len(names), len(names) - 1)  # fmt: skip
        return None
    return saved or None


class WallPlacement(QObject):
    """Puts `window` full screen on the wanted screen and keeps it there.

    Signals: only those of QObject.
    """

    def __init__(
        self, window: QWidget, requested: int | None = None, settings: QSettings | None = None
    ) -> None:
        super().__init__(window)
        self._window = window
        self._settings = settings
        names = [s.name() for s in QGuiApplication.screens()]
        saved = settings.value(SETTINGS_KEY) if settings is not None else None
        self.wanted = choose_screen(names, requested, saved if isinstance(saved, str) else None)
        if settings is not None and self.wanted is not None:
            settings.setValue(SETTINGS_KEY, self.wanted)
            settings.sync()
        app = QGuiApplication.instance()
        assert isinstance(app, QGuiApplication)
        app.screenAdded.connect(self._screen_added)
        app.screenRemoved.connect(self._screen_removed)
        self._watched: QScreen | None = None

    def screen(self) -> QScreen:
        """The wanted screen if it is there, else the primary one."""
        for screen in QGuiApplication.screens():
            if screen.name() == self.wanted:
                return screen
        primary = QGuiApplication.primaryScreen()
        assert primary is not None
        return primary

    def place(self) -> None:
        """Fill the screen (again): after start-up, a screen change or a resolution change."""
        screen = self.screen()
        if self._watched is not screen:
            if self._watched is not None:
                self._watched.geometryChanged.disconnect(self._geometry_changed)
            screen.geometryChanged.connect(self._geometry_changed)
            self._watched = screen
        window = self._window
        window.setScreen(screen)
        window.setGeometry(screen.geometry())
        window.showFullScreen()

    def _geometry_changed(self) -> None:
        self.place()

    def _screen_added(self, screen: QScreen) -> None:
        if screen.name() == self.wanted:
            log.info("wall: screen %s is back", screen.name())
            QTimer.singleShot(0, self.place)

    def _screen_removed(self, screen: QScreen) -> None:
        if screen is self._watched:
            log.info("wall: screen %s went away; using the primary screen", screen.name())
            screen.geometryChanged.disconnect(self._geometry_changed)
            self._watched = None
            QTimer.singleShot(0, self.place)
