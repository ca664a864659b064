"""`noc-console pir --format pdf`: the review printed by the handover's PDF path."""

from __future__ import annotations

import re
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
from tests.views.pdf_text import fragments


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


def test_a_long_children_table_repeats_its_header_on_the_next_page(
    store: Store, clock: ManualClock, db_url: str, tmp_path: Path, qapp: object
) -> None:
    """PIR page 2 used to start with bare rows: which column was the client?"""
    store.upsert_clients([Client("acme", "Acme Corp", "Gold")])
    store.upsert_incidents([incident(n, title=f"Oslo circuit down {n}") for n in range(1, 81)])
    children = tuple(MajorIncidentChild(row.key, "acme", row.title) for row in store.open_rows())
    store.declare_major_incident(
        MajorIncident("Carrier outage Oslo", Priority.P1, "Dana", "Sam", clock.now(), "Dana",
                      ("acme",), children),
        [], clock.now(),
    )  # fmt: skip
    out = tmp_path / "pir.pdf"
    args = ["--db", db_url, "pir", "--id", "MI-1", "--format", "pdf", "--out", str(out)]
    assert main(args, clock) == 0
    runs = [f for f in fragments(out) if not re.search(r"page \d+ of \d+$", f.text)]
    start = next(f.page for f in runs if f.text == "Children")
    continued = sorted({f.page for f in runs if "Oslo circuit down" in f.text} - {start})
    assert continued  # the table runs onto another page
    for page in continued:
        lines = [f for f in runs if f.page == page]
        top = max(f.y for f in lines)
        assert [f.text for f in lines if f.y > top - 1] == ["Ticket", "Client", "Title", "Status"]
    titles = [f.text for f in runs if f.text.startswith("Oslo circuit down")]
    assert sorted(titles) == sorted(f"Oslo circuit down {n}" for n in range(1, 81))
