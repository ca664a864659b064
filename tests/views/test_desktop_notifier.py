"""Desktop notifications go through the desktop's own tool, with the right urgency."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from noc_console.views.alarms.notifier import DesktopNotifier

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="notify-send is Linux's")


def test_a_p1_goes_to_the_notification_service_as_critical(notify_send: Path, qtbot: QtBot) -> None:
    notifier = DesktopNotifier(tray=None)
    assert notifier.notify("NOC Console", "P1 new: Northwind Bank — VPN down", True) == (
        "notify-send")  # fmt: skip
    qtbot.waitUntil(notify_send.exists, timeout=5000)
    args = notify_send.read_text().splitlines()
    assert "--urgency=critical" in args
    assert "--app-name=NOC Console" in args
    assert args[-2:] == ["NOC Console", "P1 new: Northwind Bank — VPN down"]


def test_lower_priorities_are_normal_urgency(notify_send: Path, qtbot: QtBot) -> None:
    DesktopNotifier(tray=None).notify("NOC Console", "P3 critical clock", False)
    qtbot.waitUntil(notify_send.exists, timeout=5000)
    assert "--urgency=normal" in notify_send.read_text().splitlines()


def test_without_the_tool_or_a_tray_nothing_is_claimed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert DesktopNotifier(tray=None).notify("NOC Console", "P1 new", True) == ""
