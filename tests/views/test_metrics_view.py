"""The Metrics view, driven by keys as a person would: Shift+M on the board opens it,
Alt+P picks a period, S sorts the table; figures from the hand-computed November."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.sla_clock import DEFAULT_THRESHOLDS, ClockState, SlaThresholds
from noc_console.services.board.feed import BoardFeed
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.engine import SyncEngine
from noc_console.services.metrics import MetricsSnapshot, Period, snapshot
from noc_console.services.metrics.report import build_report
from noc_console.services.metrics.report_document import render_report_html
from noc_console.services.metrics.report_settings import ReportSettings
from noc_console.views.board.controller import BoardController
from noc_console.views.main_window import BoardWindow
from noc_console.views.metrics.chart import nice_ceiling
from noc_console.views.metrics.compliance import compliance_state
from noc_console.views.metrics.menu import add_metrics_menu
from noc_console.views.metrics.table_model import COLUMNS, SORT_ROLE, MetricsTableModel
from noc_console.views.metrics.window import MetricsWindow, ReportPages, ReportSource
from noc_console.views.theme import STATE_COLOURS
from tests.services import metrics_month
from tests.views.test_main_window import DownSource

NOV = metrics_month.NOW  # Saturday 28 November 2026, noon


def column(header: str) -> int:
    return next(i for i, c in enumerate(COLUMNS) if c.header == header)


def board(qtbot: QtBot, store: Store, clock: ManualClock) -> tuple[BoardWindow, BoardController]:
    """The board over the November cache (its one source is down: no sync needed)."""
    connectors = [DownSource()]
    feed = BoardFeed(store, connectors)
    engine = SyncEngine(store, connectors, clock, interval=timedelta(minutes=5))
    controller = BoardController(feed, engine, LiveRows(clock.now()), clock)
    window = BoardWindow(controller.live, controller, clock)
    qtbot.addWidget(window)
    with qtbot.waitSignal(controller.loaded, timeout=10_000):
        controller.load()
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # keys go where a person's would
    # The queues are counted once (loaded) and not again: no count may land on a board
    # that the teardown is deleting.
    window._queue_timer.stop()
    qtbot.waitUntil(lambda: bool(window._members), timeout=10_000)
    return window, controller


@pytest.fixture
def november(store: Store) -> Store:
    metrics_month.fill(store)
    return store


def report_of(store: Store) -> ReportSource:
    """The report as the app builds it (no logo)."""

    def report(client_id: str, period: Period, now: datetime) -> ReportPages:
        built = build_report(store, client_id, period, now)
        return ReportPages(render_report_html(built, ReportSettings()), built.title, built.problem)

    return report


def open_view(
    qtbot: QtBot, store: Store, thresholds: SlaThresholds = DEFAULT_THRESHOLDS
) -> Iterator[MetricsWindow]:
    clock = ManualClock(NOV)
    window, controller = board(qtbot, store, clock)

    def source(period: Period, now: object) -> MetricsSnapshot:
        return snapshot(store, period, NOV)

    run = controller.run_in_background
    add_metrics_menu(window, source, run, clock, thresholds, report_of(store))
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: bool(window.findChildren(MetricsWindow)), timeout=5_000)
    view = window.findChildren(MetricsWindow)[0]
    qtbot.waitUntil(lambda: view.snapshot is not None, timeout=10_000)
    yield view
    view.close()
    controller.stop()


@pytest.fixture
def view(qtbot: QtBot, november: Store) -> Iterator[MetricsWindow]:
    yield from open_view(qtbot, november)


def shown_rows(view: MetricsWindow, header: str) -> list[str]:
    proxy = view.proxy
    return [str(proxy.index(r, column(header)).data()) for r in range(proxy.rowCount())]


def test_shift_m_on_the_board_opens_the_metrics_view_and_its_menu_entry_says_so(
    view: MetricsWindow,
) -> None:
    assert view.isVisible()
    board_window = view.parent()
    assert isinstance(board_window, BoardWindow)
    menus = {m.title(): m for m in board_window.menuBar().findChildren(QMenu)}
    entry = next(a for a in menus["&Reports"].actions() if a.text() == "&Metrics…")
    assert entry.shortcut().toString() == "Shift+M"
    assert "Shift+M\u00a0metrics" in board_window.hints.text()
    # Last 30 days by default: every client, worst compliance first.
    assert shown_rows(view, "Client") == ["Beta GmbH", "Acme Ltd"]
    assert view.status.text().startswith("2026-10-30 … 2026-11-28")


def test_the_table_shows_the_hand_computed_figures_with_the_bands_mark(
    view: MetricsWindow,
) -> None:
    # November's figures (tests/services/metrics_month.py): acme met 4 of 7 clocks.
    proxy = view.proxy
    acme = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data() == "Acme Ltd")
    cell = proxy.index(acme, column("Compliance"))
    assert cell.data() == "▲ 57.1 %"
    red = STATE_COLOURS[ClockState.BREACHED]
    assert red is not None
    assert cell.data(Qt.ItemDataRole.BackgroundRole) == QColor(red[0])
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == "▲ below 75 %"
    assert proxy.index(acme, column("MTTA")).data() == "20m 00s"  # (600 + 2700 + 300) / 3
    assert proxy.index(acme, column("Opened")).data() == "3"


def test_s_sorts_the_table_by_the_current_column_and_again_the_other_way(
    view: MetricsWindow, qtbot: QtBot
) -> None:
    table = view.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(column("MTTA")):
        qtbot.keyClick(table, Qt.Key.Key_Right)
    assert table.currentIndex().column() == column("MTTA")
    qtbot.keyClick(table, Qt.Key.Key_S)
    assert shown_rows(view, "Client") == ["Acme Ltd", "Beta GmbH"]  # 20m before 1h
    qtbot.keyClick(table, Qt.Key.Key_S)
    assert shown_rows(view, "Client") == ["Beta GmbH", "Acme Ltd"]
    assert table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_alt_p_picks_a_period_and_the_view_reads_it(view: MetricsWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(view, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    assert view.picker.hasFocus()
    while view.picker.currentText() != "Last month":
        qtbot.keyClick(view.picker, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: view.snapshot is not None and view.snapshot.period.label == "2026-10")
    # October: acme's A4 was raised, answered and first resolved then; beta was quiet.
    assert dict(zip(shown_rows(view, "Client"), shown_rows(view, "Opened"), strict=True)) == {
        "Acme Ltd": "1", "Beta GmbH": "0"}  # fmt: skip
    assert view.status.text().startswith("2026-10 · 2 clients")
    assert len(view.volume.labels) == 31  # a bar pair per October day


def test_the_trend_charts_show_the_snapshots_points(view: MetricsWindow) -> None:
    shot = view.snapshot
    assert shot is not None
    opened, resolved = view.volume.series
    assert opened.values == tuple(float(p.measures.opened) for p in shot.daily)
    assert sum(resolved.values) == shot.total.resolved  # type: ignore[arg-type]
    assert len(view.mttr.labels) == len(shot.weekly)
    (compliance,) = view.compliance.series
    assert compliance.values == tuple(p.measures.compliance for p in shot.monthly)
    assert view.compliance.guides == (0.75, 0.90)  # the board's SLA thresholds


def test_compliance_is_coloured_by_the_configured_thresholds(qtbot: QtBot, november: Store) -> None:
    lenient = SlaThresholds(warning_at=0.5, critical_at=0.55)
    for view in open_view(qtbot, november, lenient):
        proxy = view.proxy
        acme = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data() == "Acme Ltd")
        assert proxy.index(acme, column("Compliance")).data() == "✓ 57.1 %"
        assert view.compliance.guides == (0.5, 0.55)


@pytest.mark.parametrize(
    ("value", "state"),
    [(None, None), (1.0, ClockState.MET), (0.9, ClockState.MET), (0.8999, ClockState.WARNING),
     (0.75, ClockState.WARNING), (0.7499, ClockState.BREACHED), (0.0, ClockState.BREACHED)],
)  # fmt: skip
def test_compliance_bands_are_the_sla_thresholds_read_as_floors(
    value: float | None, state: ClockState | None
) -> None:
    assert compliance_state(value, SlaThresholds()) is state


def test_an_axis_top_is_four_round_steps() -> None:
    assert [nice_ceiling(v) for v in (0, 0.9, 7, 510, 2400, 2401)] == [
        1.0, 1.0, 8.0, 600.0, 2400.0, 3200.0]  # fmt: skip


def test_the_table_model_is_a_sound_qt_model(november: Store, qtmodeltester: object) -> None:
    model = MetricsTableModel()
    model.set_lines(snapshot(november, Period.month("2026-11"), NOV).clients)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.index(0, column("MTTA")).data(SORT_ROLE) == 1200.0


def test_ctrl_e_writes_the_current_clients_report_for_the_month(
    view: MetricsWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    table = view.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    while table.currentIndex().data() != "Acme Ltd":
        qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = view.export_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.selectedFiles()[0].endswith(
        "Acme Ltd 2026-11.pdf"
    )  # Last 30 days ends in November
    out = tmp_path / "acme.html"
    with qtbot.waitSignal(view.reported, timeout=10_000):
        dialog.selectFile(str(out))
        dialog.accept()
    page = out.read_text(encoding="utf-8")
    assert "Acme Ltd" in page
    assert "2026-11" in page
    assert view.status.text() == f"Saved {out}"
