"""Reading QTableWidget cells in tests: `QTableWidget.item` is None for a cell never set,
so every read says which cell was missing instead of an AttributeError on None."""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidget, QTableWidgetItem


def cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    item = table.item(row, column)
    assert item is not None, f"{table.objectName() or 'table'} has no cell ({row}, {column})"
    return item


def cell_text(table: QTableWidget, row: int, column: int) -> str:
    return cell(table, row, column).text()
