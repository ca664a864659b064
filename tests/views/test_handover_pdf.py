"""Handover export: the HTML names every incident; the PDF is A4 and holds them too."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from html import escape
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QApplication

from noc_console.connectors.demo.feed import DemoFeed
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Status
from noc_console.models.shift import ShiftPlan
from noc_console.models.sla import BusinessCalendar, office_hours
from noc_console.models.sla_clock import SlaClock
from noc_console.services.handover.document import handover_title, render_handover_html
from noc_console.services.handover.report import HandoverReport, assemble_handover
from noc_console.services.sync import SyncService
from noc_console.views.handover.paging import FOOTER_BAND, FOOTER_PT
from noc_console.views.handover.pdf import MARGINS_MM, write_handover_pdf
from noc_console.views.theme import apply_theme
from tests.factories import board_row, incident
from tests.views.pdf_text import Fragment, fragments

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


# ------------------------------------------------------------------ pagination (issue 20)
MM = 72 / 25.4
MINUTE = timedelta(minutes=1)
FOOTER_TOP = MARGINS_MM.bottom() * MM + FOOTER_BAND * FOOTER_PT  # points from the foot
CONTENT_TOP = 595 - MARGINS_MM.top() * MM


def body(path: Path) -> list[Fragment]:
    """The text on the pages, without the footers; every run must lie inside the
    content box (a row cut by the page edge would still be drawn, clipped, outside)."""
    runs = [f for f in fragments(path) if not re.search(r"page \d+ of \d+$", f.text)]
    outside = [f for f in runs if not FOOTER_TOP < f.y < CONTENT_TOP]
    assert not outside, outside[:3]
    return runs


def test_no_table_row_straddles_a_page_break(
    store: Store, clock: ManualClock, tmp_path: Path, qapp: object
) -> None:
    store.upsert_incidents([incident(n, created_at=clock.now()) for n in range(1, 61)])
    report = assemble_handover(store, PLAN, PLAN.span_at(clock.now()), clock.now())
    words = "vendor replaced the line card, waiting on the carrier to re-test the circuit " * 2
    notes = {row.key: f"{words}END{row.key.external_id[2:]}" for row in report.open_incidents}
    path = tmp_path / "handover.pdf"
    html = render_handover_html(report, None, notes)
    pages = write_handover_pdf(html, path, handover_title(report))
    assert pages >= 3  # the rows wrap to several lines: breaks fall among them
    # a row is drawn cell by cell: its id, then its title's lines, ending in ENDn; the
    # last id drawn on the same page before each ENDn must be its own
    last_id: dict[int, str] = {}
    ends = 0
    for run in body(path):
        for token in re.findall(r"\bT-\d+\b|\bEND\d+\b", run.text):
            if token.startswith("T-"):
                last_id[run.page] = token
            else:
                ends += 1
                assert last_id.get(run.page) == f"T-{token[3:]}", (run.page, token)
    assert ends >= 60


def test_a_heading_stays_with_its_table(tmp_path: Path, qapp: object) -> None:
    sections = []
    for k in range(1, 13):
        rows = "".join(
            f"<tr><td>S{k}-R{r}</td><td>{'text to wrap ' * (5 * (r % 3))}</td></tr>"
            for r in range(1, 3 + (k * 7) % 11)
        )
        sections.append(f"<h2>Section {k}</h2><table width='100%'>{rows}</table>")
    path = tmp_path / "sections.pdf"
    pages = write_handover_pdf("".join(sections), path, "Sections")
    assert pages >= 3
    runs = body(path)
    page_of = {run.text: run.page for run in runs}
    for k in range(1, 13):
        assert page_of[f"Section {k}"] == page_of[f"S{k}-R1"], k
    for number in range(1, pages + 1):
        last = [run for run in runs if run.page == number][-1]
        assert not last.text.startswith("Section"), number


def test_the_demo_shift_prints_on_four_pages_with_the_breaches_on_the_first(
    tmp_path: Path, qapp: object
) -> None:
    """The docs' demo shift (build_scripts/handover_screenshots.py): 9 pages before."""
    clock = ManualClock(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
    store = Store.open(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    sync = SyncService(DemoFeed(clock, seed=11), store, clock)
    while clock.now() < datetime(2026, 11, 25, 14, 45, tzinfo=UTC):
        sync.sync_once()
        clock.advance(timedelta(minutes=5))
    report = assemble_handover(store, PLAN, PLAN.span_at(clock.now()), clock.now())
    store.close()
    assert len(report.open_incidents) > 100
    assert len(report.breached) > 10
    path = tmp_path / "handover.pdf"
    assert write_handover_pdf(render_handover_html(report), path, handover_title(report)) <= 4
    first = " ".join(f.text for f in body(path) if f.page == 1)
    for change in report.breached[:10]:
        clock_name = change.what.split()[0].upper()  # RESPONSE / RESOLUTION
        row = re.search(rf"{change.row.key.external_id} .*?(RESPONSE|RESOLUTION)", first)
        assert row is not None, change
        assert row.group(1) == clock_name, change


def test_a_time_on_another_day_carries_its_day(store: Store, clock: ManualClock) -> None:
    now = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # a Friday
    due = datetime(2026, 11, 30, 5, 30, tzinfo=UTC)  # Monday
    hours = BusinessCalendar("Europe/London", office_hours(time(5), time(17)))
    row = board_row(1, status=Status.IN_PROGRESS)
    row = replace(row, resolution=SlaClock(due_at=due, target=timedelta(hours=8), calendar=hours))
    report = assemble_handover(store, PLAN, PLAN.span_at(now), now)
    page = render_handover_html(replace(report, open_incidents=[row]))
    text = page.replace("&nbsp;", " ")
    assert re.search(r"left · Mon 05:30<", text), "a Monday due time without its day"
    assert not re.search(r"left · 05:30<", text)


@pytest.mark.parametrize(
    ("given", "linked"),
    [
        ("https://psa.example/ticket?id=1&view=full", True),
        ('http://psa.example/"><img/src=x>', True),  # linked, and escaped
        ("https://psa.example/a b", False),  # not one address
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("https:///no-host", False),
    ],
)
def test_ids_link_to_the_psa_only_over_http_and_escaped(
    store: Store, clock: ManualClock, given: str, linked: bool
) -> None:
    store.upsert_incidents([incident(1, raw={"url": given}, created_at=clock.now())])
    report = assemble_handover(store, PLAN, PLAN.span_at(clock.now()), clock.now())
    page = render_handover_html(report)
    hrefs = re.findall(r'<a href="([^"]*)">T-1</a>', page)
    assert "<img" not in page
    if linked:
        assert hrefs
        assert set(hrefs) == {escape(given, quote=True)}
    else:
        assert not hrefs
        assert "<a " not in page


def test_the_paper_does_not_follow_the_screens_font_size(
    report: HandoverReport, tmp_path: Path, qapp: QApplication
) -> None:
    """The app's font is the theme's screen size (Settings); the handover's type is the
    paper's: the same pages, the same lines where they were, every run inside the page's
    content box (a larger UI font once drew a line into page 2's top margin)."""
    html = render_handover_html(report)
    plain, themed = tmp_path / "plain.pdf", tmp_path / "themed.pdf"
    write_handover_pdf(html, plain, handover_title(report))
    before = qapp.font()
    try:
        apply_theme(qapp, "dark", point_size=14)
        write_handover_pdf(html, themed, handover_title(report))
    finally:
        qapp.setFont(before)
        apply_theme(qapp, "dark")
        qapp.setFont(before)
    assert body(themed) == body(plain)


def test_a_table_continued_on_a_new_page_starts_it_with_its_header(
    tmp_path: Path, qapp: object
) -> None:
    """Issue 21: a reader of page 2 must not have to turn back to learn the columns."""
    rows = "".join(
        f"<tr><td>ROW{r}</td><td>{'a line of wrapping text ' * (1 + r % 4)}</td></tr>"
        for r in range(1, 121)
    )
    html = (
        "<h2>Open incidents</h2><table width='100%'>"
        f"<thead><tr><th>Ident</th><th>Details</th></tr></thead><tbody>{rows}</tbody></table>"
        "<p>AFTER the table</p>"
    )
    path = tmp_path / "table.pdf"
    pages = write_handover_pdf(html, path, "Table")
    assert pages >= 3
    runs = body(path)
    for number in range(2, pages + 1):
        page = [run for run in runs if run.page == number]
        top = max(run.y for run in page)
        assert [run.text for run in page if run.y > top - 1] == ["Ident", "Details"], number
        assert [run.text for run in page].count("Ident") == 1, number
    seen = [token for run in runs for token in re.findall(r"\bROW\d+\b", run.text)]
    assert seen == [f"ROW{r}" for r in range(1, 121)]  # every row once, in order
    assert [run.page for run in runs if run.text.startswith("AFTER")] == [pages]


def test_an_autotask_ticket_number_and_its_mark_fit_their_column(
    store: Store, clock: ManualClock, tmp_path: Path, qapp: object
) -> None:
    """ "T20261125.0042 n|ew" was printed: the id column was too narrow for an Autotask
    ticket number, and Qt broke the mark where the cell ended."""
    number = "T20261125.0042"
    store.upsert_incidents([incident(1, external_id=number, created_at=clock.now() - MINUTE)])
    report = assemble_handover(store, PLAN, PLAN.span_at(clock.now()), clock.now())
    assert [c.row.key.external_id for c in report.new] == [number]
    path = tmp_path / "handover.pdf"
    write_handover_pdf(render_handover_html(report), path, handover_title(report))
    texts = [run.text for run in body(path)]
    at = max(i for i, text in enumerate(texts) if text.endswith(number))  # the queue's row
    assert texts[at + 1] == "new", texts[at : at + 3]  # the mark, drawn whole
