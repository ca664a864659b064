"""Renders docs/images/handover-*.png: the view offscreen and every page of the PDF
(a scripted demo shift), the pages drawn by the PDF's own layout
(`render_handover_images`: no poppler needed).

The shift has a declared major incident (a carrier outage at Oslo, four clients, its
next client update overdue) and yesterday's one closed out with its review still open
and an action past due, so the handover's major-incident sections are not empty.

    PYTHONPATH=. .venv/bin/python build_scripts/handover_screenshots.py [OUT_DIR]
"""

import os
import sys

os.environ["QT_QPA_PLATFORM"] = "offscreen"
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication

from noc_console.connectors.demo.feed import DemoFeed
from noc_console.models.actions import Action, ActionKind
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.comms_template import Phase, TemplateSet
from noc_console.models.incident import Incident, Priority, Status
from noc_console.models.major_incident import DEFAULT_CADENCE, MajorIncident, MajorIncidentChild
from noc_console.models.pir import PirAction, Review
from noc_console.models.shift import ShiftPlan
from noc_console.services.handover.desk import HandoverDesk
from noc_console.services.handover.document import handover_title, render_handover_html
from noc_console.services.identity import Identity
from noc_console.services.major_incident.close_out import close_out
from noc_console.services.major_incident.pir import save_review
from noc_console.services.major_incident.updates import compose_update, send_update
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


def declare(title, rows, declared_at, clients, update=True):
    """A P1 major incident over `rows`, declared at `declared_at`, with `update`: its
    first client update sent 12 minutes later (its notes wait in the outbox: the script
    runs no RT, ConnectWise, Halo or Autotask)."""
    record, _ = store.declare_major_incident(
        MajorIncident(title, Priority.P1, "Dana Whitfield", "Sam Okafor", declared_at,
                      "Dana Whitfield", tuple(dict.fromkeys(i.client_id for i in rows)),
                      tuple(MajorIncidentChild(i.key, i.client_id, i.title) for i in rows),
                      detected_at=min(i.created_at for i in rows)),
        [], declared_at,
    )  # fmt: skip
    if not update:
        return record
    at = declared_at + timedelta(minutes=12)
    updates = compose_update(record, Phase.INVESTIGATING, "no internet at the office",
                             TemplateSet(), DEFAULT_CADENCE, clients, at)  # fmt: skip
    record, _ = send_update(store, record, Phase.INVESTIGATING, updates, Identity("Sam Okafor"), at)
    return record


clients = {c.id: c.name for c in store.clients()}  # the demo's: its outage's four are there
# yesterday's outage at Leeds: closed out, its review still open, one action past due
leeds_start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
leeds = [
    Incident(source="rt", external_id=str(47990 + n), client_id=c, status=Status.RESOLVED,
             title=f"VPN to Leeds data centre down ({name})", priority=Priority.P1,
             created_at=leeds_start + timedelta(minutes=3 * n), impact=1, urgency=1,
             updated_at=leeds_start + timedelta(hours=2), version="2",
             resolved_at=leeds_start + timedelta(hours=2))
    for n, (c, name) in enumerate([("northwind-bank", "Northwind Bank"),
                                   ("litware-health", "Litware Health")])
]  # fmt: skip
store.upsert_incidents(leeds)
record = declare("VPN to Leeds data centre down", leeds, leeds_start + timedelta(minutes=8),
                 clients, update=False)  # fmt: skip
record, _ = close_out(store, record, "Firewall cluster failed over; the standby's tunnel "
                      "config was restored and both tunnels verified up", True,
                      Identity("Dana Whitfield"), leeds_start + timedelta(hours=2))  # fmt: skip
save_review(store, record.id, Review(
    root_cause="The standby firewall's tunnel configuration was a month out of date.",
    actions=(PirAction("Sync firewall configs nightly and alert on drift", "Kim Lund",
                       date(2026, 12, 10)),
             PirAction("Send the clients the incident summary", "Sam Okafor",
                       date(2026, 11, 24))),
), Identity("Dana Whitfield"), leeds_start + timedelta(hours=4))  # fmt: skip
# today's carrier outage at Oslo: four clients, its next client update overdue at 14:45
oslo_start = datetime(2026, 11, 25, 13, 50, tzinfo=UTC)
OUTAGE = [
    ("rt", "48213", "northwind-bank", "Internet circuit down at Oslo office"),
    ("connectwise", "771204", "litware-health", "Internet circuit down at Oslo branch"),
    ("halo", "30917", "fabrikam", "Oslo office internet circuit down - no WAN"),
    ("autotask", "T20261125.0042", "tailspin", "Internet circuit down at Oslo depot"),
]
oslo = [
    Incident(source=s, external_id=i, client_id=c, title=t, status=Status.NEW,
             priority=Priority.P1, created_at=oslo_start + n * timedelta(minutes=2),
             updated_at=oslo_start + n * timedelta(minutes=2), category="Network", impact=1,
             urgency=1, version="1")
    for n, (s, i, c, t) in enumerate(OUTAGE)
]  # fmt: skip
store.upsert_incidents(oslo)
declare("Carrier outage: Oslo internet circuits", oslo, oslo_start + timedelta(minutes=8),
        clients)  # fmt: skip
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
