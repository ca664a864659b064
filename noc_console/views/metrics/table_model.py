"""The Metrics view's per-client table: a thin Qt model over `ClientMetrics` lines.

Sorting is a `QSortFilterProxyModel` on `SORT_ROLE` (numbers, not the texts: "9 %"
must sort below "10 %"); a figure with nothing to divide by ("—") sorts below every
figure. Compliance cells carry their band's colours (`compliance.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from noc_console.models.clock_text import duration
from noc_console.models.sla_clock import DEFAULT_THRESHOLDS, SlaThresholds
from noc_console.models.text_limits import capped
from noc_console.services.metrics import ClientMetrics, Measures
from noc_console.views.metrics.compliance import (
    compliance_colours,
    compliance_text,
    compliance_words,
    percent,
)

#: The number a column sorts by (float; "—" is -1, below every figure).
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    value: Callable[[ClientMetrics], float | str | None]  # str: a text column
    kind: str = "count"  # count, share, time, text
    coloured: bool = False  # a compliance figure: coloured by its band
    tip: str = ""


def _m(
    read: Callable[[Measures], float | timedelta | None],
) -> Callable[[ClientMetrics], float | None]:
    def value(line: ClientMetrics) -> float | None:
        found = read(line.measures)
        return found.total_seconds() if isinstance(found, timedelta) else found

    return value


COLUMNS: tuple[Column, ...] = (
    Column("Client", lambda c: c.name, "text"),
    Column("Contract", lambda c: c.contract, "text"),
    Column("Opened", _m(lambda m: m.opened)),
    Column("Resolved", _m(lambda m: m.resolved)),
    Column("MTTA", _m(lambda m: m.mtta), "time", tip="Mean time to acknowledge (respond)"),
    Column("MTTR", _m(lambda m: m.mttr), "time", tip="Mean time to resolve, pauses excluded"),
    Column(
        "MTTR (business)",
        _m(lambda m: m.mttr_business),
        "time",
        tip="Mean time to resolve in the contract's business hours",
    ),
    Column("Response SLA", _m(lambda m: m.response_compliance), "share", True),
    Column("Resolution SLA", _m(lambda m: m.resolution_compliance), "share", True),
    Column("Compliance", _m(lambda m: m.compliance), "share", True, "Both clocks: met ÷ decided"),
    Column("Breaches", _m(lambda m: m.breaches)),
    Column(
        "First contact",
        _m(lambda m: m.first_contact_rate),
        "share",
        tip="Resolved at L1 without escalation",
    ),
    Column("Escalated", _m(lambda m: m.escalation_rate), "share"),
    Column("Reopened", _m(lambda m: m.reopen_rate), "share"),
    Column(
        "Recurring",
        _m(lambda m: m.recurrence_rate),
        "share",
        tip="Same client and symptom within 30 days",
    ),
)
COMPLIANCE = next(i for i, c in enumerate(COLUMNS) if c.header == "Compliance")


def cell_text(column: Column, value: float | str | None) -> str:
    if isinstance(value, str):
        return capped(value)
    if value is None:
        return "—"
    if column.kind == "share":
        return percent(value)
    if column.kind == "time":
        return duration(timedelta(seconds=value))
    return f"{value:,.0f}"


class MetricsTableModel(QAbstractTableModel):
    """One row per client of a `MetricsSnapshot`; replaced whole on each refresh.

    Signals: only those of QAbstractTableModel.
    """

    def __init__(self, thresholds: SlaThresholds = DEFAULT_THRESHOLDS,
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.thresholds = thresholds
        self._lines: tuple[ClientMetrics, ...] = ()

    def set_lines(self, lines: Sequence[ClientMetrics]) -> None:
        """A new period or refresh: every line is new (a wholesale replacement)."""
        self.beginResetModel()
        self._lines = tuple(lines)
        self.endResetModel()

    def line(self, row: int) -> ClientMetrics:
        return self._lines[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:  # fmt: skip
        if orientation is not Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole and column.tip:
            return column.tip
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._lines):
            return None
        column = COLUMNS[index.column()]
        value = column.value(self._lines[index.row()])
        if role == Qt.ItemDataRole.DisplayRole:
            if column.coloured and not isinstance(value, str):
                return compliance_text(value, self.thresholds)
            return cell_text(column, value)
        if role == SORT_ROLE:
            return (
                value.casefold() if isinstance(value, str) else (-1.0 if value is None else value)
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind != "text":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if column.coloured and not isinstance(value, str):
            if role == Qt.ItemDataRole.ToolTipRole:
                return compliance_words(value, self.thresholds)
            background, text = compliance_colours(value, self.thresholds)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(text)
            if role == Qt.ItemDataRole.BackgroundRole and background is not None:
                return QColor(background)
        return None
