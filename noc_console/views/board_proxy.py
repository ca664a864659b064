"""The proxy between the board model and its views: filters, never sorts itself.

Sorting is the live rows' job (`LiveRows.sort`: Python keys, one layout change); a
`QSortFilterProxyModel` sort would call `data()` from C++ for each of the ~150,000
comparisons of 10,000 rows. Header clicks reach `sort()` here and are passed on.

The filter itself is the live rows' (`RowFilter`, verdicts kept in one list). The
proxy filters with Qt's own C++ test on `FILTER_ROLE`, so with no filter set (an empty
pattern) re-mapping 10,000 rows after a reorder calls no Python at all, and with one
set each row costs one list lookup. Filtering is dynamic: rows whose data changed
(a batch, a tick's few cells) are checked again as they change.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt

from noc_console.models.incident import IncidentKey
from noc_console.services.row_filter import RowFilter, RowPredicate
from noc_console.views.board_model import FILTER_MARK, FILTER_ROLE, BoardModel


class BoardProxy(QSortFilterProxyModel):
    """Rows of a `BoardModel` in its own order, filtered by text, clients and a queue.

    Signals: only those of QSortFilterProxyModel.
    """

    def __init__(self, model: BoardModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._board = model
        self._live = model.live
        self.setFilterRole(FILTER_ROLE)
        self.setFilterKeyColumn(0)
        self.setSourceModel(model)

    def multiData(self, index: QModelIndex | QPersistentModelIndex, roleDataSpan: Any) -> None:  # noqa: N803 (Qt's names)
        """Every role a delegate asks for at paint (Qt 6 asks seven at once), answered
        by one call into Python instead of one C++ → Python `data()` call per role."""
        source = self.mapToSource(index)
        data = self._board.data
        for item in roleDataSpan:
            value = data(source, item.role())
            if value is None:
                item.clearData()  # the delegate reuses these slots from cell to cell
            else:
                item.setData(value)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._board.sort(column, order)

    def set_text(self, text: str) -> None:
        """Show rows whose id, client, title or assignee contain `text` (any case)."""
        self._set(replace(self._live.filter, text=text.strip().casefold()))

    def set_clients(self, client_ids: frozenset[str]) -> None:
        """Show only these clients' rows; an empty set shows every client."""
        self._set(replace(self._live.filter, clients=frozenset(client_ids)))

    def set_predicate(self, predicate: RowPredicate | None) -> None:
        """Show only rows for which `predicate` holds (a queue); None shows all."""
        always = predicate is not None  # a new predicate may answer differently
        self._set(replace(self._live.filter, predicate=predicate, members=None), always)

    def set_members(self, members: frozenset[IncidentKey] | None) -> None:
        """Show only these incidents (a queue whose membership is already counted);
        None shows all. The same members again change nothing."""
        self._set(replace(self._live.filter, predicate=None, members=members))

    @property
    def filtering(self) -> bool:
        return self._live.filter.active

    def refresh(self) -> None:
        """Check every row again (a queue predicate whose verdicts move with time)."""
        if self.filtering:
            self._set(self._live.filter, always=True)

    def _set(self, row_filter: RowFilter, always: bool = False) -> None:
        if not self._live.set_filter(row_filter) and not always:
            return
        if always:
            self._live.refilter()
        pattern = re.escape(FILTER_MARK) if row_filter.active else ""
        if self.filterRegularExpression().pattern() != pattern:
            self.setFilterFixedString(FILTER_MARK if row_filter.active else "")
        elif row_filter.active:
            self._invalidate_rows()

    def _invalidate_rows(self) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt ≥ 6.10; invalidateRowsFilter is deprecated
            self.beginFilterChange()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()
