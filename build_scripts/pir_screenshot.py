"""Renders docs/images/major-incident-update.png (the client update dialog, mid-incident)
and docs/images/pir-page-01.png: the first page of a post-incident review as
`noc-console pir --format pdf` prints it (a scripted carrier outage hitting four
clients), drawn by the PDF's own layout (`render_handover_images`).

    PYTHONPATH=. .venv/bin/python build_scripts/pir_screenshot.py [OUT_DIR]
"""

import os
import sys

os.environ["QT_QPA_PLATFORM"] = "offscreen"
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication

from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.comms_template import Phase, TemplateSet
from noc_console.models.incident import Client, Incident, Priority, Status
from noc_console.models.major_incident import DEFAULT_CADENCE, MajorIncident, MajorIncidentChild
from noc_console.models.pir import PirAction, Review
from noc_console.services.identity import Identity
from noc_console.services.major_incident.close_out import close_out
from noc_console.services.major_incident.comms_desk import CommsDesk
from noc_console.services.major_incident.pir import build_review, save_review
from noc_console.services.major_incident.pir_text import pir_html, title_of
from noc_console.services.major_incident.updates import compose_update, send_update
from noc_console.views.handover.pdf import render_handover_images
from noc_console.views.major_incident.update_dialog import UpdateDialog
from noc_console.views.theme import apply_theme

out = Path(sys.argv[1]) if sys.argv[1:] else Path(__file__).resolve().parents[1] / "docs" / "images"
app = QApplication([])
apply_theme(app, "dark")
start = datetime(2026, 11, 25, 13, 52, tzinfo=UTC)
clock = ManualClock(start)
db = Path("/tmp/pir-image.sqlite3")
db.unlink(missing_ok=True)
store = Store.open(f"sqlite:///{db}")
clients = {"acme": "Acme Legal", "globex": "Globex Freight", "initech": "Initech",
           "umbrella": "Umbrella Clinics"}  # fmt: skip
store.upsert_clients([Client(c, name, "Gold") for c, name in clients.items()])
incidents = []
for n, client in enumerate(["acme", "globex", "acme", "initech", "umbrella", "globex"], 1):
    at = start + timedelta(minutes=2 * n)
    incidents.append(Incident(
        source="rt" if n % 2 else "halo", external_id=str(4100 + n), client_id=client,
        title=f"Internet circuit down at Oslo office ({client})", status=Status.NEW,
        priority=Priority.P1, impact=1, urgency=1, created_at=at, updated_at=at, version="1",
    ))  # fmt: skip
store.upsert_incidents(incidents)
clock.set(start + timedelta(minutes=16))
sam, dana = Identity("Sam Okafor"), Identity("Dana Reyes")
record, _ = store.declare_major_incident(
    MajorIncident("Carrier outage: Oslo POP", Priority.P1, dana.name, sam.name, clock.now(),
                  dana.name, tuple(clients),
                  tuple(MajorIncidentChild(i.key, i.client_id, i.title) for i in incidents),
                  detected_at=start + timedelta(minutes=2)),
    [], clock.now(),
)  # fmt: skip
for phase, gap in ((Phase.INVESTIGATING, 9), (Phase.IDENTIFIED, 30)):
    clock.advance(timedelta(minutes=gap))
    updates = compose_update(record, phase, "no internet at the Oslo office", TemplateSet(),
                             DEFAULT_CADENCE, clients, clock.now())  # fmt: skip
    record, _ = send_update(store, record, phase, updates, sam, clock.now())
clock.advance(timedelta(minutes=28))
desk = CommsDesk(store, DEFAULT_CADENCE, TemplateSet(
    clients={"acme": {Phase.MONITORING: "Dear {client}: the carrier has replaced the failed "
                      "equipment and your Oslo office is back online; we are watching it. "
                      "Next update by {next_update}. Ref {reference}."}}), clock)  # fmt: skip
dialog = UpdateDialog(desk, desk.context(), record.id)
dialog.impact.setText("no internet at the Oslo office")
dialog.phase_group.button(2).click()  # Monitoring
dialog.resize(820, 600)
dialog.show()
app.processEvents()
out.mkdir(parents=True, exist_ok=True)
dialog.grab().save(str(out / "major-incident-update.png"))
dialog.close()
updates = desk.compose(desk.context(), record, Phase.MONITORING, "no internet at the Oslo office")
record, _ = send_update(store, record, Phase.MONITORING, updates, sam, clock.now())
clock.advance(timedelta(minutes=25))
record, _ = close_out(store, record, "Carrier replaced the failed line card at the Oslo POP; "
                      "every circuit verified up", True, dana, clock.now())  # fmt: skip
save_review(store, record.id, Review(
    root_cause="A line card failed at the carrier's Oslo POP; all four clients' circuits "
               "ran through it.",
    contributing_factors=("No diverse path for the Oslo circuits",
                          "The carrier's status page showed the outage 40 minutes late"),
    actions=(PirAction("Order a diverse circuit for the Oslo office", "Dana Reyes",
                       date(2026, 12, 15)),
             PirAction("Add the carrier's NOC escalation line to the runbook", "Sam Okafor",
                       date(2026, 11, 27)),
             PirAction("Alert on the carrier POP's BGP session", "Kim Lund", date(2026, 11, 26),
                       done=True)),
), dana, clock.now())  # fmt: skip
clock.set(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
doc = build_review(store, record.id, clock.now())
pages = render_handover_images(pir_html(doc, clock.now().date()), title_of(doc))
out.mkdir(parents=True, exist_ok=True)
for old in out.glob("pir-page-*.png"):  # a shorter review leaves no stale last page
    old.unlink()
for number, image in enumerate(pages, 1):
    image.save(str(out / f"pir-page-{number:02d}.png"))
print(f"{len(pages)} page(s) in {out}")
store.close()
