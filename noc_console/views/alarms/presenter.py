"""Alarms on screen: tray icon and desktop notifications, a repeating sound, and a
status-bar line with the keys to acknowledge (Shift+A) or snooze for 10 minutes
(Shift+S). Decisions are the `Alarms` service's; this only presents them, and stores
the acknowledgements and snoozes off the GUI thread, for every desk to read."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QIcon, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import QApplication, QLabel, QSystemTrayIcon, QWidget

from noc_console.models.board_row import BoardRow
from noc_console.models.cache.alarm_ack_table import AlarmAcknowledgement
from noc_console.models.clock import Clock
from noc_console.models.incident import IncidentKey, Priority
from noc_console.models.major_incident import UpdateClock
from noc_console.services.alarms import Alarm, Alarms
from noc_console.views.alarms.notifier import DesktopNotifier
from noc_console.views.alarms.sound import AlarmSound
from noc_console.views.plain_text import plain
from noc_console.views.theme import PRIORITY_COLOURS
from noc_console.views.worker import Op, Runner

SCAN_MS = 5000
SNOOZE_MINUTES = 10


class AlarmPresenter(QObject):
    """Scans the board for alarms off the GUI thread and presents them.

    Signals: none.
    """

    def __init__(
        self,
        alarms: Alarms,
        rows: Callable[[], Sequence[BoardRow]],
        run_in_background: Runner,
        clock: Clock,
        window: QWidget,
        label: QLabel,
    ) -> None:
        super().__init__(window)
        self.alarms = alarms
        self._rows = rows
        self._run = run_in_background
        self._clock = clock
        self._label = label
        plain(label)  # the line carries ticket titles and client names
        self.beeps = 0
        #: The open major incidents' update clocks (read on the worker with each scan).
        self.updates: Callable[[], Sequence[UpdateClock]] = lambda: ()
        self.sound = AlarmSound()
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(QApplication.windowIcon() or QIcon(), self)
            self.tray.setToolTip("NOC Console: no alarms")
            self.tray.show()
        self.notifier = DesktopNotifier(self.tray)
        self.notified: list[str] = []  # the channel each notification went through
        for keys, handler in (("Shift+A", self.acknowledge), ("Shift+S", self.snooze)):
            QShortcut(QKeySequence(keys), window).activated.connect(handler)
        self._scan_timer = QTimer(self)
        self._scan_timer.setInterval(SCAN_MS)
        self._scan_timer.timeout.connect(self.scan)
        self._scan_timer.start()
        self._sound_timer = QTimer(self)
        self._sound_timer.setInterval(1000)
        self._sound_timer.timeout.connect(self._maybe_sound)
        self._sound_timer.start()

    def scan(self) -> None:
        rows, now, alarms, updates = (
            tuple(self._rows()),
            self._clock.now(),
            self.alarms,
            self.updates,
        )
        Op(lambda: alarms.scan(rows, now, updates()), self._scanned).start(self._run)

    def acknowledge(self, key: IncidentKey | None = None) -> None:
        """Shift+A: silence every alarm; with `key` (the board's A), that incident's."""
        self._share(self.alarms.acknowledge(self._clock.now(), key))

    def snooze(self) -> None:
        self._share(self.alarms.snooze(self._clock.now(), SNOOZE_MINUTES))

    def _share(self, acks: list[AlarmAcknowledgement]) -> None:
        self._refresh()
        if acks:
            alarms = self.alarms
            Op(lambda: alarms.record(acks), lambda _none: None).start(self._run)

    def _scanned(self, fresh: list[Alarm]) -> None:
        for alarm in fresh:
            critical = alarm.priority in (Priority.P1, Priority.P2)
            self.notified.append(self.notifier.notify("NOC Console", alarm.text, critical))
        self._refresh()
        self._maybe_sound()

    def _maybe_sound(self) -> None:
        if self.alarms.sound_due(self._clock.now()):
            self.beeps += 1
            active = self.alarms.active()
            if active:
                self.sound.play(active[0].priority)  # the worst alarm's tone

    def _refresh(self) -> None:
        active = self.alarms.active()
        if not active:
            text, style = "", ""
        else:
            worst = active[0]
            more = f" (+{len(active) - 1} more)" if len(active) > 1 else ""
            text = f"⚠ {worst.text}{more} — Shift+A acknowledge · Shift+S snooze 10 min"
            style = "color: #111111; background: #ffd37a; padding: 0 6px; font-weight: bold;"
        if self._label.text() != text:
            self._label.setText(text)
            self._label.setStyleSheet(style)
            self._label.setVisible(bool(text))
        if self.tray is not None:
            self.tray.setToolTip(
                f"NOC Console: {len(active)} alarm(s)" if active else "NOC Console: no alarms"
            )


def tray_icon(active: Sequence[Alarm]) -> QIcon:
    """The worst alarm's priority colour with the count on it; quiet green when none."""
    pixmap = QPixmap(64, 64)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if active:
        background, text = PRIORITY_COLOURS[active[0].priority]
    else:
        background, text = "#2e7d32", "#ffffff"
    painter.setBrush(QColor(background))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(2, 2, 60, 60, 12, 12)
    painter.setPen(QColor(text))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(34)
    painter.setFont(font)
    label = str(len(active)) if active else "✓"
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, label)
    painter.end()
    return QIcon(pixmap)
