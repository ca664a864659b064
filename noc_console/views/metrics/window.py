"""The Metrics window (Shift+M on the board, Reports › Metrics…): per-client table,
trend charts and a period picker, all from one `MetricsSnapshot` read on the worker.

Keys: Alt+P the period, F5 refresh, S sorts the table by the current cell's column
(again: the other way), Ctrl+E the current client's SLA report (PDF or HTML) for the
month picked (or the month the period ends in), Tab between table and picker, Esc closes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from noc_console import APP_NAME
from noc_console.models.clock import Clock
from noc_console.models.clock_text import duration
from noc_console.models.sla_clock import DEFAULT_THRESHOLDS, SlaThresholds
from noc_console.services.metrics import MetricsSnapshot, Period, TrendPoint
from noc_console.views.metrics.chart import Series, TrendChart
from noc_console.views.metrics.compliance import compliance_text, percent
from noc_console.views.metrics.period_picker import PeriodPicker
from noc_console.views.metrics.table_model import COMPLIANCE, SORT_ROLE, MetricsTableModel
from noc_console.views.theme import tokens
from noc_console.views.worker import Op, Runner

#: Reads the snapshot of a period at an instant (on the worker: it reads the cache).
MetricsSource = Callable[[Period, datetime], MetricsSnapshot]


@dataclass(frozen=True, slots=True)
class ReportPages:
    """A client's SLA report ready to write (`services/metrics/report*.py`)."""

    html: str
    title: str
    problem: str = ""  # why it is empty, when it is


#: Builds a client's report (by id) for a month at an instant (on the worker).
ReportSource = Callable[[str, Period, datetime], ReportPages]
HINTS = ("Alt+P period · F5 refresh · S sort by this column (again: reverse) · "
         "Ctrl+E this client's SLA report · Esc close")  # fmt: skip
OPENED, RESOLVED, MTTR, COMPLIANT = "#56b4e9", "#009e73", "#e69f00", "#cc79a7"  # Okabe–Ito


class MetricsWindow(QWidget):
    """Service metrics for a period.

    Signals:
        refreshed(): a new snapshot is on screen.
        reported(str): a client report was written to this path.
    """

    refreshed = Signal()
    reported = Signal(str)

    def __init__(
        self,
        source: MetricsSource,
        run: Runner,
        clock: Clock,
        thresholds: SlaThresholds = DEFAULT_THRESHOLDS,
        parent: QWidget | None = None,
        report: ReportSource | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._report = report
        self.setWindowTitle(f"{APP_NAME} — Metrics")
        self._source, self._run, self._clock = source, run, clock
        self.thresholds = thresholds
        self.snapshot: MetricsSnapshot | None = None
        self.picker = PeriodPicker(self)
        caption = QLabel("&Period", self)
        caption.setBuddy(self.picker)
        self.picker.currentIndexChanged.connect(self.refresh)
        self.status = QLabel("", self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # it may name a client or a file
        self.status.setObjectName("metricsStatus")
        self.status.setStyleSheet(f"color: {tokens()['muted']};")
        self.totals = QLabel("", self)
        self.totals.setObjectName("metricsTotals")
        self.totals.setTextFormat(Qt.TextFormat.PlainText)
        top = QHBoxLayout()
        top.addWidget(caption)
        top.addWidget(self.picker)
        top.addSpacing(12)
        top.addWidget(self.totals, 1)
        top.addWidget(self.status)

        self.model = MetricsTableModel(thresholds, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(self)
        self.table.setObjectName("metricsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COMPLIANCE, Qt.SortOrder.AscendingOrder)  # worst first
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.resizeSection(0, 200)
        sort = QShortcut(QKeySequence("S"), self.table)
        sort.setContext(Qt.ShortcutContext.WidgetShortcut)
        sort.activated.connect(self.sort_by_current_column)

        self.volume = TrendChart("Opened vs resolved per day", lambda v: f"{v:,.0f}", self)
        self._mttr_unit = "h"  # days once a week averages three days or more
        self.mttr = TrendChart("MTTR per week", lambda v: f"{v:g} {self._mttr_unit}", self)
        self.compliance = TrendChart(
            "SLA compliance per month", lambda v: f"{v * 100:.0f} %", self, top=1.0,
            guides=(thresholds.warning_at, thresholds.critical_at),
        )  # fmt: skip
        charts = QWidget(self)
        row = QHBoxLayout(charts)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.volume, 2)
        row.addWidget(self.mttr, 1)
        row.addWidget(self.compliance, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(charts)
        self.splitter.setSizes([500, 280])
        self.hints = QLabel(HINTS, self)
        self.hints.setStyleSheet(f"color: {tokens()['muted']};")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.hints)
        QShortcut(QKeySequence("F5"), self, self.refresh)
        self.export_dialog = QFileDialog(self, "Client SLA report")
        self.export_dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        self.export_dialog.setNameFilters(["PDF (*.pdf)", "HTML (*.html)"])
        self.export_dialog.fileSelected.connect(lambda name: self.report_to(Path(name)))
        QShortcut(QKeySequence("Ctrl+E"), self, self.export_report)
        QShortcut(QKeySequence("Esc"), self, self.close)
        self.resize(1400, 860)

    def refresh(self) -> None:
        """Read the picked period's snapshot on the worker; it is shown when it arrives."""
        now = self._clock.now()
        period = self.picker.period(now)
        source = self._source
        self.status.setText(f"{period.label} · reading…")
        Op(lambda: source(period, now), self._show, self._failed).start(self._run)

    def sort_by_current_column(self) -> None:
        """S: sort by the current cell's column; S again on it reverses the order."""
        column = max(0, self.table.currentIndex().column())
        header = self.table.horizontalHeader()
        same = header.sortIndicatorSection() == column
        ascending = header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
        order = Qt.SortOrder.DescendingOrder if same and ascending else Qt.SortOrder.AscendingOrder
        self.table.sortByColumn(column, order)

    def report_month(self) -> Period:
        """The month a report covers: the one picked, or the one the period ends in."""
        period = self.picker.period(self._clock.now())
        return Period.month((period.end - timedelta(microseconds=1)).strftime("%Y-%m"))

    def current_client(self) -> tuple[str, str] | None:
        """(id, name) of the client on the current row."""
        index = self.proxy.mapToSource(self.table.currentIndex())
        if not index.isValid():
            return None
        line = self.model.line(index.row())
        return (line.client_id, line.name)

    def export_report(self) -> None:
        """Ctrl+E: ask where to save the current client's report."""
        client = self.current_client()
        if self._report is None or client is None:
            self.status.setText("Choose a client in the table first (Ctrl+E writes its report).")
            return
        month = self.report_month().label
        self.export_dialog.selectFile(f"{client[1]} {month}.pdf".replace("/", "-"))
        self.export_dialog.open()

    def report_to(self, path: Path) -> None:
        """Write the current client's report for `report_month()` to `path` (PDF unless
        the name ends in .html): built on the worker, written here (Qt paints the PDF)."""
        client, source = self.current_client(), self._report
        if client is None or source is None:
            return
        month, now = self.report_month(), self._clock.now()
        fmt = "html" if path.suffix.lower() in (".html", ".htm") else "pdf"
        Op(
            lambda: source(client[0], month, now), lambda pages: self._write(pages, fmt, path),
            lambda error: self.status.setText(f"Cannot make the report: {error}"),
        ).start(self._run)  # fmt: skip

    def _write(self, pages: ReportPages, fmt: str, path: Path) -> None:
        from noc_console.views.handover.export import write_handover  # Qt's A4 PDF path

        try:
            write_handover(pages.html, pages.title, fmt, path, portrait=True)
        except OSError as exc:
            self.status.setText(f"Cannot write {path}: {exc.strerror or exc}")
            return
        note = f" ({pages.problem})" if pages.problem else ""
        self.status.setText(f"Saved {path}{note}")
        self.reported.emit(str(path))

    def _show(self, snapshot: MetricsSnapshot) -> None:
        if snapshot.period != self.picker.period(snapshot.computed_at):
            return  # another period was picked meanwhile: its own read follows
        first = self.snapshot is None
        self.snapshot = snapshot
        self.model.set_lines(snapshot.clients)
        if first:  # fifteen columns, a few hundred rows: fitted once, then the user's
            self.table.resizeColumnsToContents()
        t = snapshot.total
        mtta = duration(t.mtta) if t.mtta else "—"
        mttr = duration(t.mttr) if t.mttr else "—"
        self.totals.setText(
            f"All clients: {t.opened:,} opened · {t.resolved:,} resolved · MTTA {mtta} · "
            f"MTTR {mttr} · compliance {compliance_text(t.compliance, self.thresholds)} · "
            f"{t.breaches:,} breaches · first contact {percent(t.first_contact_rate)}"
        )
        at = snapshot.computed_at.astimezone()
        self.status.setText(f"{snapshot.period.label} · {len(snapshot.clients)} clients · "
                            f"computed {at:%H:%M}")  # fmt: skip
        self._charts(snapshot)
        self.refreshed.emit()

    def _failed(self, error: BaseException) -> None:
        self.status.setText(f"could not read the metrics: {error}")

    def _charts(self, s: MetricsSnapshot) -> None:
        days = [p.period.start.strftime("%d %b") for p in s.daily]
        self.volume.set_data(days, [
            Series("Opened", tuple(float(p.measures.opened) for p in s.daily), OPENED),
            Series("Resolved", tuple(float(p.measures.resolved) for p in s.daily), RESOLVED),
        ])  # fmt: skip
        weeks = [f"W{p.period.start.isocalendar().week}" for p in s.weekly]
        hours = [_hours(p) for p in s.weekly]
        in_days = max((h for h in hours if h is not None), default=0.0) >= 72
        self._mttr_unit = "d" if in_days else "h"
        scaled = tuple(None if h is None else round(h / 24, 2) if in_days else h for h in hours)
        self.mttr.set_data(weeks, [Series("MTTR", scaled, MTTR)])
        months = [p.period.start.strftime("%b %Y") for p in s.monthly]
        shares = tuple(p.measures.compliance for p in s.monthly)
        self.compliance.set_data(months, [Series("Compliance", shares, COMPLIANT, bars=False)])


def _hours(point: TrendPoint) -> float | None:
    mttr = point.measures.mttr
    return round(mttr / timedelta(hours=1), 2) if mttr is not None else None
