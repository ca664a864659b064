"""Composition root of the GUI: QApplication, theme, engine, board window.

`run_gui` returns the process exit code. With `screenshot`, the window renders
offscreen, and once the first sync's rows are on screen it is saved as a PNG.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from noc_console import APP_ID, APP_NAME, __version__
from noc_console.paths import data_folder
from noc_console.services.config import Config
from noc_console.services.identity import Identity
from noc_console.services.runtime import Runtime, build_runtime

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

    from noc_console.services.board.live_rows import LiveRows
    from noc_console.services.metrics import MetricsSnapshot, Period
    from noc_console.views.board.controller import BoardController
    from noc_console.views.metrics.window import MetricsWindow, ReportPages

log = logging.getLogger(__name__)

ICON = Path(__file__).resolve().parent.parent / "resources" / "icons" / "noc-console.svg"
SCREENSHOT_TIMEOUT_MS = 60_000
SCREENSHOT_SIZE = (1920, 1080)  # a wall screenshot on a smaller (offscreen) screen
BOARD_SCREENSHOT_SIZE = (1600, 900)  # a board screenshot without --size
#: Set in the environment to exit once the cached board is first painted (benchmarks).
EXIT_AFTER_FIRST_PAINT = "NOC_CONSOLE_EXIT_AFTER_FIRST_PAINT"


def _add_settings_menu(window: QMainWindow, config: Config, runtime: Runtime | None = None) -> None:
    """Settings… (Ctrl+,): appearance, alarms, wall, shifts, and the connector dialog
    (their modules are imported when one first opens, not before the board's first
    paint). Saving connectors wakes the engine: a connector whose secret changed sends
    its actions refused on credentials again (services/sources/rebuild.py)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction, QKeySequence

    def config_path() -> Path:
        from noc_console.paths import default_config_path

        return Path(config.path) if config.path else default_config_path()

    def open_connectors() -> None:
        from noc_console.services.runtime import secret_store
        from noc_console.views.settings.connectors import ConnectorSettingsDialog

        dialog = ConnectorSettingsDialog(config, config_path(), secret_store(config), window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if runtime is not None:
            dialog.saved.connect(lambda _config: runtime.engine.wake())
        dialog.open()

    def open_settings() -> None:
        from noc_console.views.settings.settings_dialog import SettingsDialog

        dialog = SettingsDialog(config, config_path(), open_connectors, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    action = QAction("&Settings…", window)
    action.setShortcut(QKeySequence("Ctrl+,"))
    action.triggered.connect(open_settings)
    menu = window.menuBar().addMenu("Se&ttings")
    menu.addAction(action)
    menu.addAction("&Connectors…", open_connectors)
    window.addAction(action)


def _add_metrics_menu(
    window: QMainWindow, runtime: Runtime, controller: BoardController, config: Config
) -> Callable[[], MetricsWindow]:
    """Reports › Metrics… (Shift+M): read on the board's worker, from the same cache."""
    from noc_console.views.metrics.menu import add_metrics_menu

    store = runtime.store

    def source(period: Period, now: datetime) -> MetricsSnapshot:
        from noc_console.services.metrics import snapshot

        return snapshot(store, period, now)

    def report(client_id: str, period: Period, now: datetime) -> ReportPages:
        from noc_console.services.metrics.report import build_report
        from noc_console.services.metrics.report_document import logo_data_url, render_report_html
        from noc_console.views.metrics.window import ReportPages

        built = build_report(store, client_id, period, now)
        html = render_report_html(built, config.report, logo_data_url(config.report.logo))
        return ReportPages(html, built.title, built.problem)

    run, clock, thresholds = (
        controller.run_in_background,
        runtime.clock,
        config.sla.policy.thresholds,
    )
    return add_metrics_menu(window, source, run, clock, thresholds, report)


def _rss_kb() -> int:
    """Resident memory in KiB (Linux; 0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return 0


def run_gui(
    config: Config,
    db_url: str,
    demo: bool,
    screenshot: Path | None = None,
    started: float | None = None,
    size: tuple[int, int] | None = None,
    metrics: bool = False,
) -> int:
    """Run the board until its window closes. `started` is `time.perf_counter()` at launch;
    `size` sets the window's size (screenshots at a given screen size); `metrics` opens
    the Metrics view too (with `screenshot`, that view is the picture)."""
    started = time.perf_counter() if started is None else started
    if screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from noc_console.services.handover.desk import HandoverDesk
    from noc_console.services.major_incident.comms_desk import CommsDesk
    from noc_console.services.major_incident.desk import console_desk
    from noc_console.views.main_window import BoardWindow

    app = _application(config.theme)
    runtime, live, controller = _board(config, db_url, demo)

    settings = None if screenshot is not None else QSettings(APP_ID, APP_ID)
    me = Identity.configured(config.me)
    window = BoardWindow(
        live,
        controller,
        runtime.clock,
        me=me,
        matrix=config.sla.matrix,
        settings=settings,
        sla=config.sla,
        alarms=config.alarms,
        alarm_ledger=runtime.store,  # acknowledged here: quiet on every desk
        correlation=config.correlation,
    )
    window.attach_handover(
        HandoverDesk(runtime.store, config.shifts, config.sla, runtime.clock), me.name
    )
    window.attach_major_incidents(console_desk(runtime, config, demo))
    window.attach_comms(
        CommsDesk(runtime.store, config.sla.cadence, config.communications.template_set(),
                  runtime.clock, runtime.engine.wake)
    )  # fmt: skip
    _add_settings_menu(window, config, runtime)
    open_metrics = _add_metrics_menu(window, runtime, controller, config)
    outcome = {"code": 0}

    def report_first_paint() -> None:
        window.table.viewport().repaint()  # paint now, so the figure includes the paint
        elapsed_ms = (time.perf_counter() - started) * 1000
        log.info("first board painted from cache after %.0f ms (%d rows)", elapsed_ms,
                 len(live))  # fmt: skip
        if os.environ.get(EXIT_AFTER_FIRST_PAINT):  # a measurement aid for benchmarks/
            cpu_ms = time.process_time() * 1000  # every thread's, from the start
            print(f"painted rows={len(live)} rss_kb={_rss_kb()} cpu_ms={cpu_ms:.0f}", flush=True)
            app.exit(0)

    controller.loaded.connect(report_first_paint)

    if screenshot is not None and metrics:
        shown = open_metrics()
        save_soon = _arrange_screenshot(shown, controller.tick, screenshot, outcome)
        once = {"armed": False}

        def after_first_sync() -> None:  # the first sync's incidents counted too
            if not once["armed"]:
                once["armed"] = True
                shown.refreshed.connect(save_soon)
                shown.refresh()

        controller.synced.connect(after_first_sync)
    elif screenshot is not None:

        def first_data() -> None:  # show an incident in the detail panel too
            if window.model.rowCount() and not window.table.currentIndex().isValid():
                window.table.setCurrentIndex(window.model.index(0, 0))
            save_soon()

        save_soon = _arrange_screenshot(window, controller.tick, screenshot, outcome)
        _first_data(controller).connect(first_data)

    window.show()
    if size is None and screenshot is not None:
        size = BOARD_SCREENSHOT_SIZE  # the offscreen screen is small: not fitted to it
    if size is not None:
        window.resize(*size)
    if metrics:
        shown = open_metrics()
        if size is not None:
            shown.resize(*size)
    return _run(app, controller, runtime, outcome)


def run_wall(
    config: Config,
    db_url: str,
    demo: bool,
    clients: str | None = None,
    screen: int | None = None,
    screenshot: Path | None = None,
) -> int:
    """Run the wall display (docs/wall.md) until it is closed (Ctrl+Q)."""
    if screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from noc_console.models.clock import SystemClock
    from noc_console.services.major_incident.desk import MajorIncidentDesk
    from noc_console.services.wall.metrics_summary import wall_metrics
    from noc_console.services.wall.scope import ClientScope
    from noc_console.views.wall.placement import WallPlacement
    from noc_console.views.wall.window import WallWindow

    app = _application("dark")  # a wall is dark whatever the desk theme: contrast, glare
    runtime, live, controller = _board(config, db_url, demo)
    window = WallWindow(
        live,
        controller,
        runtime.clock,
        config.wall,
        ClientScope.parse(clients),
        config.sla,
        pace=SystemClock(),  # pages turn in real seconds even on a sped-up demo
        metrics=lambda now, scope, tiles: wall_metrics(runtime.store, now, scope, tiles),
        correlation=config.correlation,
    )
    desk = MajorIncidentDesk(runtime.store, config.sla.cadence, runtime.clock)
    window.attach_major_incidents(desk.clocks)
    settings = None if screenshot is not None else QSettings(APP_ID, APP_ID)
    placement = WallPlacement(window, screen, settings)
    placement.place()
    outcome = {"code": 0}
    if screenshot is not None:
        size = window.screen().size()
        if size.width() < SCREENSHOT_SIZE[0] or size.height() < SCREENSHOT_SIZE[1]:
            window.showNormal()  # the offscreen default screen is small: render at 1080p
            window.resize(*SCREENSHOT_SIZE)
        save_soon = _arrange_screenshot(window, controller.tick, screenshot, outcome)
        synced = {"seen": False}

        def first_data() -> None:
            synced["seen"] = True
            window.refresh()

        def summarised() -> None:
            if synced["seen"]:
                save_soon()
                window.summarised.disconnect(summarised)

        _first_data(controller).connect(first_data)
        window.summarised.connect(summarised)
    return _run(app, controller, runtime, outcome)


def _board(config: Config, db_url: str, demo: bool) -> tuple[Runtime, LiveRows, BoardController]:
    """The engine, the live rows and their controller (the board's and the wall's); on a
    shared database, a follower of its changes instead of connectors."""
    from noc_console.services.board.live_rows import LiveRows
    from noc_console.views.board.controller import BoardController

    runtime = build_runtime(config, db_url, demo, defer_connectors=True, desk=data_folder())
    live = LiveRows(runtime.clock.now(), config.sla.policy.thresholds)
    follower = None
    if runtime.feed.shared:  # a team's database: follow its changes (docs/team.md)
        from noc_console.services.team.follow import Follower

        follower = Follower(db_url)
    controller = BoardController(
        runtime.feed, runtime.engine, live, runtime.clock, follower=follower
    )
    controller.load()  # the cache is read while the window is built
    return runtime, live, controller


def _first_data(controller: BoardController) -> SignalInstance:
    """When a screenshot has its data: the first sync's rows; on a team's shared
    database, where this process syncs nothing, the rows read from it."""
    return controller.loaded if controller.shared else controller.synced


def _run(
    app: QApplication, controller: BoardController, runtime: Runtime, outcome: dict[str, int]
) -> int:
    """Run the event loop, start the controller (the engine) once the cached board is
    shown (or its read failed) — the first paint does not wait for the first sync — and
    close everything however it ends."""
    started = {"done": False}

    def start(*_: object) -> None:
        if not started["done"]:
            started["done"] = True
            controller.start()

    controller.loaded.connect(start)
    controller.failed.connect(start)
    try:
        code = app.exec()
    finally:
        controller.stop()
        runtime.close()
    return outcome["code"] or code


def _application(theme: str) -> QApplication:
    """The QApplication, named and themed (made once per process)."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from noc_console.views.theme import apply_theme

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    if ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))
    apply_theme(app, theme)
    return app


def _arrange_screenshot(
    window: QWidget, tick: Callable[[], None], path: Path, outcome: dict[str, int]
) -> Callable[[], None]:
    """Give up after SCREENSHOT_TIMEOUT_MS; returns `save_soon`, to call once the first
    data is on screen: it ticks, grabs the window into `path` and quits."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def save() -> None:
        tick()
        QApplication.processEvents()
        if not window.grab().save(str(path), "PNG"):
            print(f"noc-console: cannot write screenshot {path}", file=sys.stderr)
            outcome["code"] = 1
        window.close()
        QApplication.exit(outcome["code"])

    def give_up() -> None:
        print("noc-console: no data arrived for the screenshot within 60 s", file=sys.stderr)
        outcome["code"] = 1
        window.close()
        QApplication.exit(1)

    QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, give_up)
    return lambda: QTimer.singleShot(400, save)
