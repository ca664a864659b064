"""Settings pages: saved with the one writer (comments kept), refused as loading would."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from noc_console.models.incident import Priority
from noc_console.services.config import load_config
from noc_console.views.settings.settings_dialog import SettingsDialog

HAND_WRITTEN = """\
# Contoso NOC — edited by hand, keep these notes
theme = "dark"  # the night shift

[alarms]
repeat = "45s"  # the lead asked for less noise

[clients.acme]
contract = "Gold"
"""


def dialog(qtbot: QtBot, path: Path) -> SettingsDialog:
    settings = SettingsDialog(load_config(path), path)
    qtbot.addWidget(settings)
    settings.show()
    return settings


def test_pages_save_and_keep_the_comments(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    settings = dialog(qtbot, path)
    settings.theme.setCurrentText("light")
    settings.sound[Priority.P2].setFocus()
    qtbot.keyClick(settings.sound[Priority.P2], Qt.Key.Key_Space)  # sound P2 too
    settings.sound_file[Priority.P1].setFocus()
    qtbot.keyClicks(settings.sound_file[Priority.P1], "/opt/noc/siren.wav")
    settings.wall_rows.selectAll()
    qtbot.keyClicks(settings.wall_rows, "12")
    settings.timezone.selectAll()
    qtbot.keyClicks(settings.timezone, "Europe/London")
    settings.activateWindow()
    qtbot.waitUntil(settings.isActiveWindow)
    with qtbot.waitSignal(settings.saved):
        qtbot.keyClick(settings.timezone, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    text = path.read_text(encoding="utf-8")
    assert "# Contoso NOC — edited by hand, keep these notes" in text
    assert 'repeat = "45s"  # the lead asked for less noise' in text
    assert 'theme = "light"' in text
    config = load_config(path)
    assert config.theme == "light"
    assert config.alarms.sounding == (Priority.P1, Priority.P2)
    assert config.alarms.sound_files == {"P1": "/opt/noc/siren.wav"}
    assert config.wall.rows_per_page == 12
    assert config.shifts.timezone == "Europe/London"
    assert "acme" in config.sla.policy.clients
    assert "page_interval_s" not in text  # defaults are not written
    assert "[[shifts]]" not in text


def test_a_value_the_loader_refuses_is_not_saved(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    settings = dialog(qtbot, path)
    for box, typed, said in (
        (settings.repeat, "3s", "alarms.repeat: must be at least 5 seconds"),
        (settings.repeat, "soon", 'alarms.repeat: must be a duration like "15m"'),
        (
            settings.wall_rows,
            "99",
            "wall.rows_per_page: is 99; must be a whole number from 3 to 60",
        ),
        (settings.timezone, "Mars/Olympus", "handover.timezone: unknown time zone"),
    ):
        original = box.text()
        box.selectAll()
        qtbot.keyClicks(box, typed)
        settings.save()
        assert said in settings.problem.text()
        assert path.read_text(encoding="utf-8") == HAND_WRITTEN
        box.setText(original)
