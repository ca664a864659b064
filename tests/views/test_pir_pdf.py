"""`noc-console pir --format pdf`: the review printed by the handover's PDF path."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from noc_console.cli import main
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Client, Priority
from noc_console.models.major_incident import MajorIncident, MajorIncidentChild
from noc_console.models.pir import Review
from noc_console.services.identity import Identity
from noc_console.services.major_incident.pir import save_review
from tests.factories import incident


def test_the_pir_prints_to_an_a4_pdf(
    store: Store, clock: ManualClock, db_url: str, tmp_path: Path, qapp: object
) -> None:
    store.upsert_clients([Client("acme", "Acme Corp", "Gold")])
    store.upsert_incidents([incident(1, title="Oslo <b>circuit</b> down")])
    (row,) = store.open_rows()
    record, _ = store.declare_major_incident(
        MajorIncident("Carrier outage Oslo", Priority.P1, "Dana", "Sam", clock.now(), "Dana",
                      ("acme",), (MajorIncidentChild(row.key, "acme", row.title),)),
        [], clock.now(),
    )  # fmt: skip
    save_review(store, record.id, Review("Line card failure"), Identity("Sam"), clock.now())
    out = tmp_path / "pir.pdf"
    args = ["--db", db_url, "pir", "--id", "MI-1", "--format", "pdf", "--out", str(out)]
    assert main(args, clock) == 0
    reader = PdfReader(str(out))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (842, 595)  # the handover's A4 landscape
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Post-incident review — MI-1: Carrier outage Oslo" in text
    assert "Line card failure" in text
    assert "Oslo <b>circuit</b> down" in text  # ticket text printed, never interpreted
