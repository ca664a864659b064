"""The mapping table of Settings → Connectors: what it saves."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from noc_console.connectors.halo.connector import DEFAULT_MAPPING
from noc_console.views.settings.mapping_editor import MappingEditor
from tests.views.table_cells import cell_text


def rows(editor: MappingEditor) -> list[tuple[str, str, str]]:
    table = editor.table
    return [(cell_text(table, r, 0), cell_text(table, r, 1), cell_text(table, r, 2))
            for r in range(table.rowCount())]  # fmt: skip


def test_a_removed_default_row_is_saved_as_removed_and_stays_removed(qtbot: QtBot) -> None:
    editor = MappingEditor()
    qtbot.addWidget(editor)
    editor.load(DEFAULT_MAPPING, {"tier": {"NOC L2": "L2"}})
    assert editor.overrides() == {"tier": {"NOC L2": "L2"}}  # defaults are not saved
    editor.table.selectRow(rows(editor).index(("tier", "2nd Line", "L2")))
    (remove,) = [b for b in editor.findChildren(QPushButton) if b.text() == "Remove row"]
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    saved = editor.overrides()
    assert saved == {"tier": {"NOC L2": "L2", "2nd Line": ""}}
    editor.load(DEFAULT_MAPPING, saved)  # opened again: the row stays out
    assert ("tier", "2nd Line", "L2") not in rows(editor)
    assert editor.overrides() == saved
