"""Render the screenshots in docs/images/ from the demo feed (offscreen):
the board with its queue list and the detail panel, and the priority matrix dialog.

    .venv/bin/python build_scripts/doc_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from noc_console.connectors.demo.feed import DemoFeed
from noc_console.models.cache.store import Store
from noc_console.models.clock import SystemClock
from noc_console.models.priority import DEFAULT_MATRIX
from noc_console.services.board.feed import BoardFeed
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.engine import SyncEngine
from noc_console.views.board.controller import BoardController
from noc_console.views.board.triage_dialogs import PriorityDialog
from noc_console.views.main_window import BoardWindow
from noc_console.views.theme import apply_dark_theme

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"


def main() -> int:
    app = QApplication(sys.argv[:1])
    apply_dark_theme(app)
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{folder}/demo.sqlite3")
        demo = DemoFeed(clock)
        engine = SyncEngine(store, [demo], clock)
        engine.run_once()
        live = LiveRows(clock.now())
        controller = BoardController(BoardFeed(store, [demo]), engine, live, clock)
        window = BoardWindow(live, controller, clock, me="sam.tech")
        window.resize(1920, 1080)
        window.show()
        feed = BoardFeed(store, [demo])
        live.apply(feed.snapshot().rows, full=True)
        controller.feeds_changed.emit(feed.feeds())
        window.refresh_queues()
        window.table.setCurrentIndex(window.model.index(0, 0))
        window.toggle_detail()
        for _ in range(50):  # let the worker deliver counts and the detail
            app.processEvents()
            QApplication.instance().thread().msleep(20)  # type: ignore[union-attr]
        window.grab().save(str(IMAGES / "board-detail.png"))
        row = live.at(0).row
        dialog = PriorityDialog(DEFAULT_MATRIX, row.impact, row.urgency, window)
        dialog.show()
        app.processEvents()
        dialog.grab().save(str(IMAGES / "priority-matrix.png"))
        dialog.close()
        window.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
