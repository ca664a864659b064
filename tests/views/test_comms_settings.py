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


COMMENTED = """\
# NOC Console — Oslo NOC
schema_version = 2
theme = "dark"

# ---- client updates (agreed with account management, 2026-10) ----
[communications.templates]
# what clients read first
investigating = "[{reference}] We are investigating {title}. Next update by {next_update}."  # short
# identified: the built-in wording
monitoring = 'Monitoring {title}; next update by {next_update}.'   # a literal string

# Acme's own wording
[communications.clients.acme]
resolved = "Done, {client}."  # Acme asked for short
# end of file
"""


def retype(qtbot: QtBot, path: Path, phase: Phase, text: str) -> None:
    """In Settings → Communications on `path`, select the phase's text, type `text`
    in its place and save (Ctrl+S)."""
    settings = dialog(qtbot, path)
    field = settings.templates[phase]
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, text)
    settings.activateWindow()
    qtbot.waitUntil(settings.isActiveWindow)
    with qtbot.waitSignal(settings.saved):
        qtbot.keyClick(field, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def test_saving_a_template_keeps_every_comment_and_byte_it_need_not_change(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Saving replaced `[communications.templates]` whole: its comments went, and the
    literal string was rewritten. Only the edited value may change."""
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    retype(qtbot, path, Phase.INVESTIGATING, "[{reference}] Looking into {title}.")
    old = "[{reference}] We are investigating {title}. Next update by {next_update}."
    assert path.read_text(encoding="utf-8") == COMMENTED.replace(
        old, "[{reference}] Looking into {title}."
    )


def test_a_template_set_back_to_the_built_in_wording_leaves_the_file(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    retype(qtbot, path, Phase.MONITORING, DEFAULT_TEMPLATES[Phase.MONITORING])
    line = "monitoring = 'Monitoring {title}; next update by {next_update}.'   # a literal string\n"
    assert path.read_text(encoding="utf-8") == COMMENTED.replace(line, "")
