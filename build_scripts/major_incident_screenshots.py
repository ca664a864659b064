"""Renders docs/images/major-incident-*.png: a carrier outage hitting four clients on the
demo board, declared from one of its rows (the dialog), then the board's banner and the
wall's panel once the first client update is overdue.

    PYTHONPATH=. .venv/bin/python build_scripts/major_incident_screenshots.py [OUT_DIR]
"""

import os
import sys
import time

os.environ["QT_QPA_PLATFORM"] = "offscreen"
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from noc_console.connectors.demo.feed import DemoFeed
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Incident, Priority, Status
from noc_console.models.major_incident import DEFAULT_CADENCE
from noc_console.services.board.feed import BoardFeed
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.engine import SyncEngine
from noc_console.services.identity import Identity
from noc_console.services.major_incident.desk import MajorIncidentDesk, linking_types
from noc_console.services.sync import SyncService
from noc_console.services.wall.config import WallSettings
from noc_console.views.board.controller import BoardController
from noc_console.views.board.model import ROW_ROLE
from noc_console.views.main_window import BoardWindow
from noc_console.views.theme import apply_theme
from noc_console.views.wall.window import WallWindow

out = Path(sys.argv[1]) if sys.argv[1:] else Path(__file__).resolve().parent.parent / "docs/images"
app = QApplication([])
apply_theme(app, "dark")
clock = ManualClock(datetime(2026, 11, 25, 13, 30, tzinfo=UTC))
db = Path("/tmp/major-incident-images.sqlite3")
db.unlink(missing_ok=True)
store = Store.open(f"sqlite:///{db}")
feed = DemoFeed(clock, seed=11)
sync = SyncService(feed, store, clock)
for _ in range(6):
    sync.sync_once()
    clock.advance(timedelta(minutes=5))
OUTAGE = [  # one carrier, four clients, four PSAs, six minutes
    ("rt", "48213", "northwind-bank", "Internet circuit down at Oslo office"),
    ("connectwise", "771204", "litware-health", "Internet circuit down at Oslo branch"),
    ("halo", "30917", "fabrikam", "Oslo office internet circuit down - no WAN"),
    ("autotask", "T20261125.0042", "tailspin", "Internet circuit down at Oslo depot"),
]
start = clock.now() - timedelta(minutes=8)
store.upsert_incidents([
    Incident(source=s, external_id=i, client_id=c, title=t, status=Status.NEW,
             priority=Priority.P1, created_at=start + n * timedelta(minutes=2),
             updated_at=start + n * timedelta(minutes=2), category="Network", impact=1,
             urgency=1, version="1")
    for n, (s, i, c, t) in enumerate(OUTAGE)
])  # fmt: skip


def wait(condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {condition}")
        app.processEvents()
        time.sleep(0.01)


engine = SyncEngine(store, [feed], clock, interval=timedelta(minutes=5))
live = LiveRows(clock.now())
controller = BoardController(BoardFeed(store, [feed]), engine, live, clock)
board = BoardWindow(live, controller, clock, me=Identity("Dana Whitfield"))
linked = linking_types({source: source for source, *_ in OUTAGE})  # each source its vendor's
desk = MajorIncidentDesk(store, DEFAULT_CADENCE, clock, linked)
board.attach_major_incidents(desk)
board.show()
board.resize(1600, 900)
controller.load()
wait(lambda: board.model.rowCount() > 10 and board.groups.topLevelItemCount() > 0)
row = next(r for r in range(board.model.rowCount())
           if getattr(board.model.index(r, 0).data(ROW_ROLE), "key", None)
           and board.model.index(r, 0).data(ROW_ROLE).key.source == "rt")  # fmt: skip
board.table.selectRow(row)
board.declare_major_incident()
dialog = board.declare_dialog
assert dialog is not None
dialog.comms_lead.setText("Sam Okafor")
for n in range(dialog.child_list.count()):  # a stray of another city, if grouped: out
    item = dialog.child_list.item(n)
    if "Oslo" not in item.text():
        item.setCheckState(Qt.CheckState.Unchecked)
wait(dialog.isVisible)
for _ in range(20):
    app.processEvents()
dialog.grab().save(str(out / "major-incident-declare.png"))
dialog._confirm()
wait(lambda: len(store.major_incidents()) == 1)
clock.advance(timedelta(minutes=17))  # the first update was due 15 minutes in
sync.sync_once()  # the feed is fresh: only the update is late
board.refresh_major_incidents()
wait(lambda: "OVERDUE" in (controller.tick() or board.mi_banner.text()))
board.grab().save(str(out / "major-incident-board.png"))

wall_live = LiveRows(clock.now())
wall_controller = BoardController(BoardFeed(store, [feed]), engine, wall_live, clock)
wall = WallWindow(wall_live, wall_controller, clock, WallSettings(pages=("overview",)))
wall.attach_major_incidents(desk.clocks)
wall.resize(1920, 1080)
wall.show()
wall_controller.load()
wait(lambda: wall.summary is not None and wall.major_incidents is not None
     and bool(wall.major_incidents._clocks))  # fmt: skip
wall_controller.tick()
for _ in range(20):
    app.processEvents()
wall.grab().save(str(out / "wall-major-incident-overdue.png"))
print("written to", out)
wall.close()
board.close()
controller.stop()
wall_controller.stop()
store.close()
