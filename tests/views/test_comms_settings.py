"""Settings → Communications: the NOC's client update templates, edited in the app and
saved to `[communications.templates]` (a client's own wording is kept)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from noc_console.models.comms_template import DEFAULT_TEMPLATES, Phase
from noc_console.services.config import load_config
from tests.views.test_settings_dialog import dialog

OWN = '[communications.clients.acme]\nresolved = "Done, {client}."  # Acme asked for short\n'


def test_a_template_edited_in_the_app_is_saved_and_a_bad_one_refused(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(OWN, encoding="utf-8")
    settings = dialog(qtbot, path)
    field = settings.templates[Phase.INVESTIGATING]
    assert field.toPlainText() == DEFAULT_TEMPLATES[Phase.INVESTIGATING]
    field.selectAll()
    qtbot.keyClicks(field, "Hello {customer}")
    settings.activateWindow()
    qtbot.waitUntil(settings.isActiveWindow)
    qtbot.keyClick(field, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert settings.problem.text().startswith(
        "Not saved: communications.templates.investigating: uses {customer}, which is not a "
        "variable"
    )
    assert path.read_text(encoding="utf-8") == OWN
    field.selectAll()
    qtbot.keyClicks(field, "[{reference}] Looking into {title} for {client}.")
    with qtbot.waitSignal(settings.saved):
        qtbot.keyClick(field, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    text = path.read_text(encoding="utf-8")
    assert 'resolved = "Done, {client}."  # Acme asked for short' in text
    templates = load_config(path).communications.template_set()
    assert templates.text_for("globex", Phase.INVESTIGATING) == (
        "[{reference}] Looking into {title} for {client}."
    )
    assert templates.text_for("acme", Phase.RESOLVED) == "Done, {client}."
    assert "identified" not in text  # left at the built-in wording: not written
