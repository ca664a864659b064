"""A handover built from hostile ticket text (issue 14, items 8 and 16).

The handover HTML goes to Qt's rich-text engine (the Handover view, the PDF) and to
browsers: every PSA text in it must be escaped, and capped — the cache may hold a 1 MB
title from before ingest truncated such fields, and laying that out took minutes.
"""

from __future__ import annotations

import re

import pytest

from noc_console.models.cache.handover_table import SavedHandover
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.shift import ShiftPlan
from noc_console.models.text_limits import BLOCK, ELLIPSIS, LINE
from noc_console.services.handover.document import render_handover_html
from noc_console.services.handover.report import HandoverReport, assemble_handover
from tests.factories import incident
from tests.fakes.hostile_text import HUGE, HUGE_LINES, MARKUP, hostile_report

PLAN = ShiftPlan()


@pytest.fixture
def report(store: Store, clock: ManualClock) -> HandoverReport:
    store.upsert_incidents([incident(n, description=HUGE_LINES) for n in range(1, 4)])
    now = clock.now()
    return assemble_handover(store, PLAN, PLAN.span_at(now), now)


def saved_by(report: HandoverReport, text: str) -> SavedHandover:
    shift = report.shift
    notes = {row.key: text for row in report.open_incidents}
    return SavedHandover(
        shift.name, shift.start, shift.end, report.generated_at, text, note=text, notes=notes,
        id=1, acknowledged_at=report.generated_at, acknowledged_by=text,
    )  # fmt: skip


def test_every_hostile_field_is_escaped(report: HandoverReport) -> None:
    bad = hostile_report(report)
    assert bad.open_incidents
    page = render_handover_html(bad, saved_by(bad, MARKUP))
    assert "PWNED" in page
    assert "<b>PWNED" not in page
    assert "<img" not in page
    assert not [tag for tag in re.findall(r"<[^>]*>", page) if "file:" in tag]


def test_a_1mb_title_client_id_and_assignee_are_capped(report: HandoverReport) -> None:
    bad = hostile_report(report, HUGE)
    page = render_handover_html(bad)
    rows = len(bad.open_incidents) + len(bad.new)
    assert rows >= 3
    # each row shows four capped fields; the page stays small whatever the cache holds
    assert len(page) < 20_000 + rows * 6 * LINE
    # a table row shows the start of a title, cut to one printed line (issue 20)
    assert re.search(re.escape(HUGE[:40]) + "[^<]*" + ELLIPSIS, page)


def test_1mb_notes_from_a_stored_handover_are_capped(report: HandoverReport) -> None:
    page = render_handover_html(report, saved_by(report, HUGE_LINES))
    assert len(page) < 20_000 + (len(report.open_incidents) + 2) * 2 * BLOCK
    assert ELLIPSIS in page
