"""Desktop notifications for alarms, on desktops with and without a system tray.

Linux: the freedesktop notification service through `notify-send` (libnotify; present
on GNOME, KDE, Xfce…), which also reaches GNOME without a tray extension, with
urgency critical for P1/P2 so they stay until dismissed. macOS: `osascript`'s
`display notification`. Elsewhere, or when the tool is missing: the tray icon's
balloon. `notify()` says which channel it used.

The text carries ticket titles. The freedesktop notification service reads a subset
of HTML in the body (links and images included), so on those desktops the body is
escaped — for notify-send and for the tray, whose balloon Qt sends to the same service.
"""

from __future__ import annotations

import html
import shutil
import sys

from PySide6.QtWidgets import QSystemTrayIcon

from noc_console import APP_NAME
from noc_console.models.text_limits import LINE, capped
from noc_console.views.alarms.detached import launch

#: Desktops whose notifications go to the freedesktop service, which reads markup.
_FREEDESKTOP = sys.platform.startswith(("linux", "freebsd", "openbsd"))


class DesktopNotifier:
    """Signals: none."""

    def __init__(self, tray: QSystemTrayIcon | None) -> None:
        self.tray = tray
        if sys.platform == "darwin":
            self.tool = shutil.which("osascript")
        elif _FREEDESKTOP:
            self.tool = shutil.which("notify-send")
        else:
            self.tool = None

    def notify(self, title: str, text: str, critical: bool) -> str:
        """Show it; return the channel used ("notify-send", "osascript", "tray", "")."""
        text = capped(text, 2 * LINE)  # one argument: the kernel refuses more than 128 KiB
        if _FREEDESKTOP:
            text = html.escape(text, quote=False)
        if self.tool is not None and launch(self._argv(title, text, critical)):
            return self.tool.rsplit("/", 1)[-1]
        if self.tray is not None:
            icon = QSystemTrayIcon.MessageIcon.Critical if critical else (
                QSystemTrayIcon.MessageIcon.Warning)  # fmt: skip
            self.tray.showMessage(title, text, icon, 10_000)
            return "tray"
        return ""

    def _argv(self, title: str, text: str, critical: bool) -> list[str]:
        assert self.tool is not None
        if self.tool.endswith("osascript"):
            script = f"display notification {_quoted(text)} with title {_quoted(title)}"
            return [self.tool, "-e", script]
        urgency = "critical" if critical else "normal"
        return [self.tool, f"--app-name={APP_NAME}", f"--urgency={urgency}",
                "--icon=dialog-warning", title, text]  # fmt: skip


def _quoted(text: str) -> str:
    """An AppleScript string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
