"""Reports › Metrics… (Shift+M) on the board. The Metrics view's modules are imported
when it first opens, not before the board's first paint."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from noc_console.models.clock import Clock
from noc_console.models.sla_clock import DEFAULT_THRESHOLDS, SlaThresholds
from noc_console.views.worker import Runner

if TYPE_CHECKING:
    from noc_console.views.metrics.window import MetricsSource, MetricsWindow, ReportSource

KEY = "Shift+M"


def add_metrics_menu(
    window: QMainWindow,
    source: MetricsSource,
    run: Runner,
    clock: Clock,
    thresholds: SlaThresholds = DEFAULT_THRESHOLDS,
    report: ReportSource | None = None,
) -> Callable[[], MetricsWindow]:
    """Add the menu entry and its key to `window`; returns the function that opens the
    view (made on first use, then raised and read again)."""
    made: list[MetricsWindow] = []

    def open_metrics() -> MetricsWindow:
        from noc_console.views.metrics.window import MetricsWindow

        if not made:
            made.append(MetricsWindow(source, run, clock, thresholds, window, report))
        metrics = made[0]
        if metrics.isVisible():  # behind the board: bring it forward
            metrics.raise_()
            metrics.activateWindow()
        metrics.show()
        metrics.refresh()
        return metrics

    action = QAction("&Metrics…", window)
    action.setShortcut(QKeySequence(KEY))
    action.triggered.connect(open_metrics)
    window.menuBar().addMenu("&Reports").addAction(action)
    window.addAction(action)
    return open_metrics
