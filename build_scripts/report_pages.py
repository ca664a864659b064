"""Renders docs/images/report-page-*.png: a demo client's monthly SLA report (issue 22),
every page as the A4 PDF prints it (`render_handover_images`: no poppler needed).

The demo feed runs November 2026 up to the 28th (synced every two hours, so the cache
holds the month's history); a major incident is declared over Northwind Bank's first
internet circuit P1 and other clients' tickets with that title within 12 hours (two
client updates, then resolved), and the report for Northwind Bank is drawn.

    PYTHONPATH=. .venv/bin/python build_scripts/report_pages.py [OUT_DIR]
"""

import os
import sys

os.environ["QT_QPA_PLATFORM"] = "offscreen"
from datetime import UTC, datetime, timedelta
from pathlib import Path

from noc_console.connectors.demo.feed import DemoFeed
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Priority
from noc_console.models.major_incident import (
    EventKind,
    MajorIncident,
    MajorIncidentChild,
    MajorIncidentEvent,
)
from noc_console.services.metrics.period import Period
from noc_console.services.metrics.report import build_report
from noc_console.services.metrics.report_document import logo_data_url, render_report_html
from noc_console.services.metrics.report_settings import ReportSettings
from noc_console.services.sync import SyncService
from noc_console.views.handover.pdf import render_handover_images

ROOT = Path(__file__).resolve().parent.parent
out = Path(sys.argv[1]) if sys.argv[1:] else ROOT / "docs" / "images"
end = datetime(2026, 11, 28, 12, tzinfo=UTC)
clock = ManualClock(datetime(2026, 11, 1, tzinfo=UTC))
db = Path("/tmp/report-images.sqlite3")
db.unlink(missing_ok=True)
store = Store.open(f"sqlite:///{db}")
feed = DemoFeed(clock, seed=11, history=timedelta(hours=12))
sync = SyncService(feed, store, clock)
while clock.now() < end:
    sync.sync_once()
    clock.advance(timedelta(hours=2))
sync.sync_once()
northwind = next(c.id for c in store.clients() if c.name == "Northwind Bank")
rows = store.rows_between(datetime(2026, 11, 1, tzinfo=UTC), end, ("created_at",))
circuits = [r for r in rows if r.client_id == northwind and r.priority is Priority.P1
            and r.title.startswith("Internet circuit down")]  # fmt: skip
lead = min(circuits, key=lambda r: r.created_at)
others = [r for r in rows if r.client_id != northwind and r.title == lead.title
          and abs(r.created_at - lead.created_at) < timedelta(hours=12)][:2]  # fmt: skip
declared = lead.created_at + timedelta(minutes=9)
record, _ = store.declare_major_incident(MajorIncident(
    f"Upstream carrier outage: {lead.title}", Priority.P1, "Dana Whitfield",
    "Sam Okafor", declared, "Dana Whitfield",
    clients=tuple(dict.fromkeys(r.client_id for r in [lead, *others])),
    children=tuple(MajorIncidentChild(r.key, r.client_id, r.title) for r in [lead, *others]),
    detected_at=lead.created_at), [], declared)  # fmt: skip
for minutes, kind in ((13, EventKind.UPDATE_SENT), (43, EventKind.UPDATE_SENT),
                      (95, EventKind.RESOLVED)):  # fmt: skip
    event = MajorIncidentEvent(kind, declared + timedelta(minutes=minutes), "Sam Okafor")
    store.record_major_incident_event(record.id, event)
settings = ReportSettings(
    "Example Managed Services Ltd", str(ROOT / "resources/icons/noc-console.png")
)
report = build_report(store, "Northwind Bank", Period.month("2026-11"), clock.now())
html = render_report_html(report, settings, logo_data_url(settings.logo))
for number, image in enumerate(render_handover_images(html, report.title, 110, portrait=True), 1):
    image.save(str(out / f"report-page-{number:02d}.png"))
    print(out / f"report-page-{number:02d}.png")
store.close()
