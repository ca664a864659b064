"""The post-incident review: built from the events, saved as reviews, exported."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from noc_console.cli import main
from noc_console.connectors.rest_json.connector import RestJsonConnector
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.comms_template import Phase, TemplateSet
from noc_console.models.major_incident import DEFAULT_CADENCE, MajorIncident
from noc_console.models.pir import PirAction, Review
from noc_console.models.shift import ShiftPlan
from noc_console.services.handover.document import render_handover_html
from noc_console.services.handover.report import assemble_handover
from noc_console.services.major_incident.close_out import close_out
from noc_console.services.major_incident.pir import (
    ReviewError,
    build_review,
    open_reviews,
    save_review,
)
from noc_console.services.major_incident.pir_text import pir_markdown
from noc_console.services.major_incident.updates import compose_update, send_update
from noc_console.services.outbox import OutboxService
from noc_console.services.sync import SyncService
from tests.fakes.fake_psa import FakePsa
from tests.services.major_incident.conftest import SAM, client_names

MIN = timedelta(minutes=1)
REVIEW = Review(
    root_cause="Line card failure at the carrier's Oslo POP",
    contributing_factors=("No diverse path for | Oslo circuits", "<b>late</b> carrier notice"),
    actions=(
        PirAction("Order a diverse circuit", "Dana", date(2026, 11, 20)),
        PirAction("Carrier escalation contacts in the runbook", "Sam", date(2026, 12, 31)),
        PirAction("Monitor the POP", "Kim", date(2026, 11, 1), done=True),
    ),
)


def run_the_incident(
    store: Store, clock: ManualClock, outbox: OutboxService, record: MajorIncident,
    connector: RestJsonConnector, psa: FakePsa,
) -> MajorIncident:  # fmt: skip
    for phase, gap in ((Phase.INVESTIGATING, 10), (Phase.MONITORING, 30)):
        clock.advance(gap * MIN)
        updates = compose_update(record, phase, "no internet", TemplateSet(), DEFAULT_CADENCE,
                                 client_names(store), clock.now())  # fmt: skip
        record, _ = send_update(store, record, phase, updates, SAM, clock.now())
    psa.touch("INC-1", tier="L2")  # escalated in its PSA
    SyncService(connector, store, clock).sync_once()
    clock.advance(20 * MIN)
    record, _ = close_out(store, record, "Carrier fixed the line card", True, SAM, clock.now())
    outbox.deliver(connector)
    return record


def test_the_review_holds_the_times_timeline_children_and_what_people_wrote(
    store: Store, clock: ManualClock, outbox: OutboxService, record: MajorIncident,
    connector: RestJsonConnector, psa: FakePsa,
) -> None:  # fmt: skip
    declared_at = clock.now()
    run_the_incident(store, clock, outbox, record, connector, psa)
    save_review(store, record.id, REVIEW, SAM, clock.now())
    doc = build_review(store, record.id, clock.now())
    assert doc.updates_sent == 2
    assert dict(doc.times())["First client update"] == declared_at + 10 * MIN
    assert dict(doc.times())["Mitigated"] == declared_at + 40 * MIN
    assert dict(doc.times())["Resolved"] == declared_at + 60 * MIN
    whats = [line.what for line in doc.timeline]
    assert whats[0] == "Declared: Carrier outage Oslo"
    assert ("Client update (Investigating) sent to Acme Ltd, Globex Ltd, Initech Ltd, "
            "Umbrella Ltd") in whats  # fmt: skip
    assert "psa:INC-1: tier L1 → L2" in whats  # the escalation, from the child's history
    assert "Closed out: Carrier fixed the line card" in whats
    assert {c.status for c in doc.children} == {"Resolved"}
    text = pir_markdown(doc, date(2026, 11, 25))
    assert "- **Declared to first update:** 10 min" in text
    assert "- **Impact to resolution:** 1 h 30 min" in text  # first ticket 30 min earlier
    assert r"- No diverse path for \| Oslo circuits" in text
    assert r"\<b\>late\</b\> carrier notice" in text
    assert "| Order a diverse circuit | Dana | 2026-11-20 | OVERDUE |" in text
    assert "| Monitor the POP | Kim | 2026-11-01 | done |" in text


def test_open_reviews_and_overdue_actions_until_the_review_is_closed(
    store: Store, clock: ManualClock, outbox: OutboxService, record: MajorIncident,
    connector: RestJsonConnector, psa: FakePsa,
) -> None:  # fmt: skip
    assert open_reviews(store, date(2026, 11, 25)) == []  # still running: no review yet
    run_the_incident(store, clock, outbox, record, connector, psa)
    save_review(store, record.id, REVIEW, SAM, clock.now())
    (listed,) = open_reviews(store, date(2026, 11, 25))
    assert listed.record.id == record.id
    assert [a.text for a in listed.overdue] == ["Order a diverse circuit"]
    save_review(store, record.id, Review(REVIEW.root_cause, closed=True), SAM, clock.now())
    assert open_reviews(store, date(2026, 11, 25)) == []


def test_an_incomplete_review_or_an_unknown_record_is_refused(
    store: Store, clock: ManualClock, record: MajorIncident
) -> None:
    no_owner = Review(actions=(PirAction("Fix it", " ", date(2026, 12, 1)),))
    with pytest.raises(ReviewError, match="action 1 has no owner"):
        save_review(store, record.id, no_owner, SAM, clock.now())
    with pytest.raises(ReviewError, match="there is no major incident MI-99"):
        build_review(store, 99, clock.now())


def test_pir_command_writes_markdown_and_names_an_unknown_id(
    store: Store, clock: ManualClock, record: MajorIncident, db_url: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    out = tmp_path / "pir.md"
    args = ["--db", db_url, "pir", "--format", "md", "--out", str(out)]
    assert main([*args, "--id", "MI-1"], clock) == 0
    assert out.read_text(encoding="utf-8").startswith(
        "# Post-incident review — MI-1: Carrier outage Oslo"
    )
    assert main([*args, "--id", "7"], clock) == 2
    assert capsys.readouterr().err.strip() == (
        "noc-console: pir: there is no major incident MI-7: `noc-console` lists them on the "
        "board and in the handover"
    )
    assert main([*args, "--id", "soon"], clock) == 2
    assert "is not a major incident's number" in capsys.readouterr().err


def test_the_handover_shows_updates_sent_open_reviews_and_overdue_actions(
    store: Store, clock: ManualClock, outbox: OutboxService, record: MajorIncident,
    connector: RestJsonConnector, psa: FakePsa,
) -> None:  # fmt: skip
    run_the_incident(store, clock, outbox, record, connector, psa)
    save_review(store, record.id, REVIEW, SAM, clock.now())
    plan = ShiftPlan()
    early = plan.span_at(clock.now() - 30 * MIN)  # the updates went out 14:10 and 14:40
    report = assemble_handover(store, plan, early, clock.now())
    assert [(u.phase, u.by, u.clients) for u in report.client_updates] == [
        ("Investigating", "Sam", 4),
        ("Monitoring", "Sam", 4),
    ]
    html = render_handover_html(report)
    assert "Client updates sent this shift (2)" in html
    assert "Post-incident reviews open (1) · " in html
    assert "1 action overdue" in html
    assert "Order a diverse circuit</span> — Dana, due 2026-11-20" in html
