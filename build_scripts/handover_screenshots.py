"""Renders docs/images/handover-*.png: the view offscreen and every page of the PDF
(a scripted demo shift), the pages drawn by the PDF's own layout
(`render_handover_images`: no poppler needed).

    PYTHONPATH=. .venv/bin/python build_scripts/handover_screenshots.py [OUT_DIR]
"""

import os
import sys

os.environ["QT_QPA_PLATFORM"] = "offscreen"
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication

from noc_console.connectors.demo.feed import DemoFeed
from noc_console.models.actions import Action, ActionKind
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.shift import ShiftPlan
from noc_console.services.handover.desk import HandoverDesk
from noc_console.services.handover.document import handover_title, render_handover_html
from noc_console.services.outbox import OutboxService
from noc_console.services.sla_config import SlaSettings
from noc_console.services.sync import SyncService
from noc_console.views.handover.pdf import render_handover_images, write_handover_pdf
from noc_console.views.handover.window import NOTE_COLUMN, HandoverWindow
from noc_console.views.theme import apply_theme

out = (
    Path(sys.argv[1])
    if sys.argv[1:]
    else Path(__file__).resolve().parent.parent / "docs" / "images"
)
app = QApplication([])
apply_theme(app, "dark")
plan = ShiftPlan(timezone="Europe/London")
clock = ManualClock(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
db = Path("/tmp/handover-images.sqlite3")
db.unlink(missing_ok=True)
store = Store.open(f"sqlite:///{db}")
feed = DemoFeed(clock, seed=11)
sync = SyncService(feed, store, clock)
outbox = OutboxService(store, clock)
while clock.now() < datetime(2026, 11, 25, 14, 45, tzinfo=UTC):
    sync.sync_once()
    clock.advance(timedelta(minutes=5))
sync.sync_once()
p1 = [r for r in store.open_rows() if r.priority.value == "P1"]
if p1:
    store.enqueue(
        Action(
            p1[0].key,
            ActionKind.NOTE,
            {"text": "Update sent", "internal": False},
            created_at=clock.now(),
        ),
        clock.now(),
    )
    outbox.deliver(feed)
desk = HandoverDesk(store, plan, SlaSettings(), clock)


def run(op):
    op.success(op.work())


view = HandoverWindow(desk, run, "Dana Whitfield")
view.show()
app.processEvents()
view.notes.item(0, NOTE_COLUMN).setText(
    "Site power restored 14:20; UPS still on battery — vendor ETA 16:00"
)
view.notes.item(2, NOTE_COLUMN).setText("Customer asked for a call before any reboot")
view.note.setPlainText(
    "Busy morning: two P1s at Litware and Northwind. Leeds VPN flapping since 11:00, "
    "carrier ticket C-88213 open. Backups at Woodgrove need a re-run tonight."
)
view._show(0)
app.processEvents()
view.grab().save(str(out / "handover-view.png"))
report = desk.draft()
saved = desk.hand_over(report, "Dana Whitfield", view.note.toPlainText(), view._notes())
store.acknowledge_handover(saved.id, "Sam Okafor", clock.now() + timedelta(minutes=20))
saved = store.handovers()[0]
pdf = Path("/tmp/handover.pdf")
pages = write_handover_pdf(render_handover_html(report, saved), pdf, handover_title(report))
print("pages", pages)
for old in out.glob("handover-page-*.png"):
    old.unlink()
html = render_handover_html(report, saved)
for number, image in enumerate(render_handover_images(html, handover_title(report)), start=1):
    image.save(str(out / f"handover-page-{number:02d}.png"))
