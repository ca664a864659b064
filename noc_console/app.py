"""Composition root of the GUI: QApplication, theme, engine, board window.

`run_gui` returns the process exit code. With `screenshot`, the window renders
offscreen, and once the first sync's rows are on screen it is saved as a PNG.
"""

from __future__ import annotations

import getpass
import logging
import os
import sys
import time
from pathlib import Path

from noc_console import APP_ID, APP_NAME, __version__
from noc_console.services.config import Config
from noc_console.services.runtime import build_runtime

log = logging.getLogger(__name__)

ICON = Path(__file__).resolve().parent.parent / "resources" / "icons" / "noc-console.svg"
SCREENSHOT_TIMEOUT_MS = 60_000
#: Set in the environment to exit once the cached board is first painted (benchmarks).
EXIT_AFTER_FIRST_PAINT = "NOC_CONSOLE_EXIT_AFTER_FIRST_PAINT"


def _technician() -> str:
    """Who "T" (take) assigns to and "Mine" shows: the login name, for now."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


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
) -> int:
    """Run the board until its window closes. `started` is `time.perf_counter()` at launch."""
    started = time.perf_counter() if started is None else started
    if screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from noc_console.services.handover_desk import HandoverDesk
    from noc_console.views.board_controller import BoardController
    from noc_console.views.board_model import BoardModel
    from noc_console.views.main_window import BoardWindow
    from noc_console.views.theme import apply_theme

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    if ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))
    apply_theme(app, config.theme)

    runtime = build_runtime(config, db_url, demo)
    model = BoardModel(runtime.clock.now(), config.sla.policy.thresholds)
    controller = BoardController(runtime.feed, runtime.engine, model, runtime.clock)
    from PySide6.QtCore import QSettings

    settings = None if screenshot is not None else QSettings(APP_ID, APP_ID)
    window = BoardWindow(
        model,
        controller,
        runtime.clock,
        me=_technician(),
        matrix=config.sla.matrix,
        settings=settings,
    )
    window.attach_handover(
        HandoverDesk(runtime.store, config.shifts, config.sla, runtime.clock), _technician()
    )
    outcome = {"code": 0}

    def report_first_paint() -> None:
        window.table.viewport().repaint()  # paint now, so the figure includes the paint
        elapsed_ms = (time.perf_counter() - started) * 1000
        log.info("first board painted from cache after %.0f ms (%d rows)", elapsed_ms,
                 model.rowCount())  # fmt: skip
        if os.environ.get(EXIT_AFTER_FIRST_PAINT):  # a measurement aid for benchmarks/
            print(f"painted rows={model.rowCount()} rss_kb={_rss_kb()}", flush=True)
            app.exit(0)

    controller.loaded.connect(report_first_paint)

    if screenshot is not None:

        def save() -> None:
            controller.tick()
            app.processEvents()
            if not window.grab().save(str(screenshot), "PNG"):
                print(f"noc-console: cannot write screenshot {screenshot}", file=sys.stderr)
                outcome["code"] = 1
            window.close()
            app.exit(outcome["code"])

        def give_up() -> None:
            print("noc-console: no data arrived for the screenshot within 60 s", file=sys.stderr)
            outcome["code"] = 1
            window.close()
            app.exit(1)

        def first_data() -> None:  # show an incident in the detail panel too
            if window.proxy.rowCount() and not window.table.currentIndex().isValid():
                window.table.setCurrentIndex(window.proxy.index(0, 0))
            QTimer.singleShot(400, save)

        controller.synced.connect(first_data)
        QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, give_up)

    window.show()
    controller.start()
    try:
        code = app.exec()
    finally:
        controller.stop()
        runtime.close()
    return outcome["code"] or code
