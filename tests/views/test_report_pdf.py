"""The client report's PDF (`noc-console report --format pdf`): its tables as printed."""

from __future__ import annotations

import re
from pathlib import Path

from noc_console.models.cache.store import Store
from noc_console.services.metrics import Period
from noc_console.services.metrics.report import build_report
from noc_console.services.metrics.report_document import render_report_html
from noc_console.services.metrics.report_settings import ReportSettings
from noc_console.views.handover.pdf import write_handover_pdf
from tests.services.metrics_month import NOW, fill, link_downs
from tests.views.pdf_text import fragments


def test_the_breaches_table_repeats_its_header_on_the_next_page(
    store: Store, tmp_path: Path, qapp: object
) -> None:
    fill(store)
    store.upsert_incidents(link_downs(40))
    report = build_report(store, "beta", Period.month("2026-11"), NOW)
    path = tmp_path / "report.pdf"
    html = render_report_html(report, ReportSettings())
    write_handover_pdf(html, path, report.title, portrait=True)
    runs = [f for f in fragments(path) if not re.search(r"page \d+ of \d+$", f.text)]
    first = next(i for i, f in enumerate(runs) if re.match(r"SLA breaches \(\d+\)$", f.text))
    end = next(i for i, f in enumerate(runs) if f.text.startswith("Major incidents ("))
    table = runs[first:end]
    continued = sorted({f.page for f in table if f.text.startswith("Link down")} - {table[0].page})
    assert continued  # the table runs onto another page
    for page in continued:
        lines = [f for f in runs if f.page == page]
        top = max(f.y for f in lines)
        heads = [f.text for f in lines if f.y > top - 1]
        assert heads == ["Incident", "Title", "Priority", "Clock", "Due", "Why it was missed"], page
