"""Renders docs/images/report-page-*.png: a demo client's monthly SLA report (issue 22),
every page as the A4 PDF prints it (`render_handover_images`: no poppler needed).

The demo feed runs November 2026 up to the 28th (synced every two hours, so the cache
holds the month's history), then the report for Northwind Bank is drawn.

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
settings = ReportSettings(
    "Example Managed Services Ltd", str(ROOT / "resources/icons/noc-console.png")
)
report = build_report(store, "Northwind Bank", Period.month("2026-11"), clock.now())
html = render_report_html(report, settings, logo_data_url(settings.logo))
for number, image in enumerate(render_handover_images(html, report.title, 110, portrait=True), 1):
    image.save(str(out / f"report-page-{number:02d}.png"))
    print(out / f"report-page-{number:02d}.png")
store.close()
