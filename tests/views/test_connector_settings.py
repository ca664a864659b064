"""Settings → Connectors, driven as a person would, against a real Request Tracker."""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from noc_console.services.config import Config, load_config
from noc_console.services.secrets import SecretStore
from noc_console.views.settings.connectors import ConnectorSettingsDialog
from tests.fakes.memory_keyring import MemoryKeyring
from tests.peers.request_tracker import RtServer
from tests.views.table_cells import cell_text

COMMENTED = "# the NOC's own notes\ntheme = 'dark'\n"


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    return path


def open_dialog(qtbot: QtBot, path: Path) -> ConnectorSettingsDialog:
    dialog = ConnectorSettingsDialog(load_config(path), path, SecretStore())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def type_into(qtbot: QtBot, field: QWidget, text: str) -> None:
    assert isinstance(field, QLineEdit)  # the form's editors are QWidgets: text or choice
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, text)


def fill_rt(qtbot: QtBot, dialog: ConnectorSettingsDialog, url: str, password: str) -> None:
    add = next(b for b in dialog.findChildren(type(dialog.test_button)) if b.text() == "&Add")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    form = dialog.form
    type_into(qtbot, form.name, "rt")
    type_into(qtbot, form.editors["base_url"], url)
    auth = form.editors["auth"]
    assert isinstance(auth, QComboBox)
    auth.setFocus()
    qtbot.keyClick(auth, Qt.Key.Key_Down)  # token → basic
    assert auth.currentText() == "basic"
    type_into(qtbot, form.editors["username"], "root")
    type_into(qtbot, form.secret, password)
    if url.startswith("http://"):  # the test RT speaks plain http: say it is a lab
        insecure = form.editors["allow_insecure_http"]
        assert isinstance(insecure, QCheckBox)
        insecure.setFocus()
        qtbot.keyClick(insecure, Qt.Key.Key_Space)
        assert insecure.isChecked()


def run_test(qtbot: QtBot, dialog: ConnectorSettingsDialog) -> list[str]:
    with qtbot.waitSignal(dialog.tested, timeout=30_000):
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    return [dialog.results.item(i).text() for i in range(dialog.results.count())]


def test_add_test_and_save_an_rt_connector(
    qtbot: QtBot, config_path: Path, rt_server: RtServer, memory_keyring: MemoryKeyring
) -> None:
    dialog = open_dialog(qtbot, config_path)
    assert "system keyring" in dialog.keyring.text()
    fill_rt(qtbot, dialog, rt_server.url, "password")
    lines = run_test(qtbot, dialog)
    assert "allow_insecure_http" in lines[0]  # the test says the secret goes unencrypted
    assert any(line.startswith("✔  reachable: Request Tracker 5") for line in lines), lines
    assert any(line.startswith("✔  authenticated") for line in lines)
    assert not any(line.startswith("✘") for line in lines), lines
    assert memory_keyring.entries == {}  # tested with the typed secret, not stored yet

    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    text = config_path.read_text(encoding="utf-8")
    assert text.startswith(COMMENTED)  # the user's notes survive
    assert "password" not in text
    (rt,) = load_config(config_path).connectors
    settings = rt.settings
    assert (rt.name, rt.type, settings.base_url, settings.auth, settings.username,
            settings.allow_insecure_http) == (
        "rt", "rt", rt_server.url, "basic", "root", True)  # fmt: skip
    assert memory_keyring.entries == {("noc-console", "rt"): "password"}
    assert "Restart NOC Console" in dialog.status.text()


def test_a_wrong_password_fails_at_authentication(
    qtbot: QtBot, config_path: Path, rt_server: RtServer
) -> None:
    dialog = open_dialog(qtbot, config_path)
    fill_rt(qtbot, dialog, rt_server.url, "wrong-password")
    lines = run_test(qtbot, dialog)
    assert lines[1].startswith("✔  reachable")
    assert lines[2].startswith("✘  authenticated: rt: credentials refused (HTTP 401)")
    assert not any("wrong-password" in line for line in lines)


def test_a_mapping_override_is_saved_and_defaults_are_not(
    qtbot: QtBot, config_path: Path, rt_server: RtServer
) -> None:
    dialog = open_dialog(qtbot, config_path)
    fill_rt(qtbot, dialog, rt_server.url, "password")
    table = dialog.mapping.table
    cells = [(cell_text(table, r, 0), cell_text(table, r, 1)) for r in range(table.rowCount())]
    row = cells.index(("status", "stalled"))
    table.setCurrentCell(row, 2)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = table.viewport().findChild(QLineEdit)  # the cell editor F2 opened
    assert isinstance(editor, QLineEdit)
    type_into(qtbot, editor, "waiting_vendor")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)  # on to the next cell: the edit is committed
    assert cell_text(table, row, 2) == "waiting_vendor"
    dialog.save()
    (rt,) = load_config(config_path).connectors
    assert rt.mapping == {"status": {"stalled": "waiting_vendor"}}


def test_without_a_secure_keyring_the_dialog_says_so_and_saves_no_secret(
    qtbot: QtBot, config_path: Path
) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    dialog = open_dialog(qtbot, config_path)
    assert "No secure keyring" in dialog.keyring.text()
    fill_rt(qtbot, dialog, "https://rt.example.com/REST/2.0", "s3cret")
    dialog.save()
    assert dialog.status.text().startswith("Not saved")
    assert "no secure keyring" in dialog.status.text()
    assert config_path.read_text(encoding="utf-8") == COMMENTED  # all or nothing


def test_a_broken_connector_is_not_saved_and_the_problem_is_named(
    qtbot: QtBot, config_path: Path
) -> None:
    dialog = open_dialog(qtbot, config_path)
    fill_rt(qtbot, dialog, "rt.example.com", "s3cret")
    dialog.save()
    assert "connectors[0].base_url: must be an http(s) URL" in dialog.status.text()
    assert config_path.read_text(encoding="utf-8") == COMMENTED
    assert load_config(config_path) == Config(path=str(config_path))
