"""Handover export: the HTML names every incident; the PDF is A4 and holds them too."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from noc_console.connectors.demo.feed import DemoFeed
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.shift import ShiftPlan
from noc_console.services.handover.document import handover_title, render_handover_html
from noc_console.services.handover.report import HandoverReport, assemble_handover
from noc_console.services.sync import SyncService
from noc_console.views.handover.pdf import write_handover_pdf

PLAN = ShiftPlan(timezone="Europe/London")


@pytest.fixture
def report(store: Store, clock: ManualClock) -> HandoverReport:
    feed = DemoFeed(clock, seed=3)
    sync = SyncService(feed, store, clock)
    sync.sync_once()
    for _ in range(12):  # an hour of changes, so the "what changed" sections fill
        clock.advance(timedelta(minutes=5))
        sync.sync_once()
    return assemble_handover(store, PLAN, PLAN.span_at(clock.now()), clock.now())


def ids(text: str) -> set[str]:
    return set(re.findall(r"DEMO-\d+", text))


def test_html_names_every_incident_of_every_section(report: HandoverReport) -> None:
    html = render_handover_html(report)
    changes = (
        report.new,
        report.escalated,
        report.resolved,
        report.breached,
        report.reopened,
        report.next_breaches,
    )
    expected = {row.key.external_id for row in report.open_incidents}
    expected |= {c.row.key.external_id for section in changes for c in section}
    assert len(expected) > 20
    assert ids(html) == expected
    assert "Shift handover — Late" in html  # an hour after 14:00 GMT: the Late shift
    assert "(Europe/London)" in html


def test_pdf_is_a4_with_numbered_pages_and_every_open_incident(
    report: HandoverReport, tmp_path: Path, qapp: object
) -> None:  # qapp: pytest-qt's QApplication; the PDF writer would otherwise start a lesser one
    path = tmp_path / "handover.pdf"
    pages = write_handover_pdf(render_handover_html(report), path, handover_title(report))
    reader = PdfReader(str(path))
    assert len(reader.pages) == pages >= 2
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]  # tabs, nbsp
    assert all(f"page {n} of {pages}" in text for n, text in enumerate(texts, start=1))
    text = "\n".join(texts)
    assert {row.key.external_id for row in report.open_incidents} <= ids(text)
    assert "BREACHED" in text or not report.breached
    assert all(p in text for p in ("P1", "P2", "P3", "P4"))  # priority in words, not colour
