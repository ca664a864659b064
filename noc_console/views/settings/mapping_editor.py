"""The mapping table of the connector settings: the type's defaults and the user's
overrides in one editable list (kind, source value, NOC Console value).

Only rows that differ from the defaults are saved, and a default row the user removed
is saved as an empty value (which takes it out of the mapping); what the rows mean is
checked by the config parser, so a typo is reported with the same key name the file
would use.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from noc_console.connectors.mapping.field_mapping import REMOVABLE, FieldMapping

TABLES = ("status", "status_out", "priority", "tier", "client")
SCALARS = ("default_client", "default_tier")


def _text(value: Any) -> str:
    return str(value.value if isinstance(value, Enum) else value)


class MappingEditor(QWidget):
    """Signals: none (read with `overrides()`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["Mapping", "Source value", "NOC Console value"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        add, remove = QPushButton("Add row"), QPushButton("Remove row")
        add.clicked.connect(lambda: self.add_row("client", "", ""))
        remove.clicked.connect(self._remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._defaults: dict[tuple[str, str], str] = {}

    def load(self, defaults: FieldMapping | None, overrides: Mapping[str, Any]) -> None:
        self.table.setRowCount(0)
        self._defaults = _rows(defaults) if defaults is not None else {}
        merged = dict(self._defaults)
        for kind, value in overrides.items():
            if kind in SCALARS:
                merged[(kind, "")] = _text(value)
            else:
                merged.update({(kind, _text(k)): _text(v) for k, v in value.items()})
        for (kind, source), target in merged.items():
            if target or kind not in REMOVABLE:  # "" is a removed default: no row
                self.add_row(kind, source, target)
        self.setEnabled(defaults is not None)

    def add_row(self, kind: str, source: str, target: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in enumerate((kind, source, target)):
            self.table.setItem(row, column, QTableWidgetItem(text))

    def overrides(self) -> dict[str, Any]:
        """Rows that differ from the defaults, as a `[connectors.mapping]` table."""
        result: dict[str, Any] = {}
        shown = set()
        for row in range(self.table.rowCount()):
            kind, source, target = (self._cell(row, c) for c in range(3))
            shown.add((kind, source))
            if not kind or self._defaults.get((kind, source)) == target:
                continue
            if kind in SCALARS:
                result[kind] = target
            else:
                result.setdefault(kind, {})[source] = target
        for kind, source in self._defaults.keys() - shown:
            if kind in REMOVABLE:  # a default row the user removed
                result.setdefault(kind, {})[source] = ""
        return result

    def _cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def _remove_selected(self) -> None:
        for index in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(index)


def _rows(mapping: FieldMapping) -> dict[tuple[str, str], str]:
    rows: dict[tuple[str, str], str] = {}
    for kind in TABLES:
        for source, target in getattr(mapping, kind).items():
            rows[(kind, _text(source))] = _text(target)
    rows[("default_tier", "")] = _text(mapping.default_tier)
    if mapping.default_client:
        rows[("default_client", "")] = mapping.default_client
    return rows
