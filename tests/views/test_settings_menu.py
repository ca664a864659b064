"""Settings → Connectors… opens the connector settings (its modules load on first use)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMainWindow, QMenu
from pytestqt.qtbot import QtBot

from noc_console.app import _add_settings_menu
from noc_console.services.config import load_config


def test_the_settings_menu_opens_the_connector_settings(qtbot: QtBot, tmp_path: Path) -> None:
    from noc_console.views.settings.connectors import ConnectorSettingsDialog
    from noc_console.views.settings.settings_dialog import SettingsDialog

    path = tmp_path / "config.toml"
    path.write_text("theme = 'dark'\n", encoding="utf-8")
    window = QMainWindow()
    qtbot.addWidget(window)
    _add_settings_menu(window, load_config(path))
    (menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "Se&ttings"]
    assert isinstance(menu, QMenu)
    settings, connectors = menu.actions()
    assert settings.shortcut().toString() == "Ctrl+,"
    settings.trigger()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(SettingsDialog)))
    connectors.trigger()
    qtbot.waitUntil(
        lambda: any(d.isVisible() for d in window.findChildren(ConnectorSettingsDialog))
    )
