"""The client SLA report (issue 22 item 5): what it holds for the hand-computed month,
and bad input — an unknown client, a quiet month, a month not begun, a bad logo."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from noc_console.models.cache.store import Store
from noc_console.models.incident import IncidentKey, Priority, Status
from noc_console.models.major_incident import (
    EventKind,
    MajorIncident,
    MajorIncidentChild,
    MajorIncidentEvent,
)
from noc_console.services.metrics import Period
from noc_console.services.metrics.report import ReportRefused, build_report
from noc_console.services.metrics.report_document import (
    LogoProblem,
    logo_data_url,
    render_report_csv,
    render_report_html,
)
from noc_console.services.metrics.report_settings import ReportSettings
from tests.factories import incident
from tests.services.metrics_month import NOW, at, fill, link_downs

NOVEMBER = Period.month("2026-11")
LOGO = Path(__file__).parents[2] / "resources" / "icons" / "noc-console.png"


def test_the_report_holds_the_months_figures(store: Store) -> None:
    fill(store)
    report = build_report(store, " acme ltd ", NOVEMBER, NOW)  # name, any case
    assert report.problem == ""
    assert report.client.id == "acme"
    assert report.total.compliance == pytest.approx(4 / 7)
    assert report.by_priority[Priority.P2].response_compliance == 0.5
    assert report.by_priority[Priority.P1].opened == 0
    assert [(b.row.key.external_id, b.clock) for b in report.breaches] == [
        ("A4", "resolution"), ("A2", "response"), ("A2", "resolution")
    ]  # fmt: skip
    assert report.breaches[1].reason.startswith("answered 15m 00s after due")
    assert len(report.weeks) == 6
    assert sum(w.measures.opened for w in report.weeks) == 3
    assert report.symptoms == (("vpn tunnel down at site #", 2, "VPN tunnel down at site 7"),)
    assert (
        build_report(store, "beta", NOVEMBER, NOW)
        .breaches[0]
        .reason.startswith("not answered by due")
    )


def test_p1_incidents_are_the_months_p1s(store: Store) -> None:
    fill(store)
    store.upsert_incidents([
        incident(9, client_id="acme", priority=Priority.P1, title="Site down",
                 created_at=at(12, 3), updated_at=at(12, 4), status=Status.RESOLVED,
                 responded_at=at(12, 3, 5), resolved_at=at(12, 4))
    ])  # fmt: skip
    report = build_report(store, "acme", NOVEMBER, NOW)
    assert [r.title for r in report.majors] == ["Site down"]
    assert "Site down" in render_report_html(report, ReportSettings())


def test_an_unknown_client_gives_an_empty_report_that_says_so(store: Store) -> None:
    fill(store)
    report = build_report(store, "Nobody Inc", NOVEMBER, NOW)
    assert report.problem.startswith("No client named 'Nobody Inc' in the cache")
    assert "Acme Ltd, Beta GmbH" in report.problem
    html = render_report_html(report, ReportSettings())
    assert "No client named" in html
    assert "This report is empty." in html
    rows = list(csv.DictReader(io.StringIO(render_report_csv(report))))
    assert [(r["section"], r["reason"][:14]) for r in rows] == [("empty", "No client name")]


def test_a_month_without_incidents_gives_an_empty_report(store: Store) -> None:
    fill(store)
    report = build_report(store, "acme", Period.month("2026-08"), NOW)
    assert report.problem == "No incidents for Acme Ltd in 2026-08."
    assert report.breaches == ()
    assert report.total.opened == 0


def test_a_month_not_begun_is_refused(store: Store) -> None:
    fill(store)
    with pytest.raises(ReportRefused, match="2026-12 has not begun"):
        build_report(store, "acme", Period.month("2026-12"), NOW)
    started = build_report(store, "acme", Period.month("2026-12"), at(1, 0, month=12)
                           + timedelta(seconds=1))  # fmt: skip
    assert started.problem.startswith("No incidents")


def test_the_html_is_headed_by_the_msp_and_escapes_ticket_text(store: Store) -> None:
    fill(store)
    store.upsert_incidents([incident(8, client_id="acme", title="<b>x</b> & =cmd|' /C calc'!A0",
                                     created_at=at(12, 9), updated_at=at(12, 9))])  # fmt: skip
    store.upsert_incidents([incident(7, client_id="acme", title="<b>x</b> & =cmd|' /C calc'!A0",
                                     created_at=at(13, 9), updated_at=at(13, 9))])  # fmt: skip
    report = build_report(store, "acme", NOVEMBER, NOW)
    settings = ReportSettings("Example <MSP>", str(LOGO))
    html = render_report_html(report, settings, logo_data_url(settings.logo))
    assert "Example &lt;MSP&gt;" in html
    assert 'src="data:image/png;base64,' in html
    assert "&lt;b&gt;x&lt;/b&gt; &amp;" in html
    assert "<b>x</b>" not in html
    titles = [r["title"] for r in csv.DictReader(io.StringIO(render_report_csv(report)))]
    assert "<b>x</b> & =cmd|' /C calc'!A0" in titles  # a CSV cell is text, not HTML


def test_a_csv_cell_a_spreadsheet_would_run_is_made_text(store: Store) -> None:
    fill(store)
    store.upsert_incidents([incident(6, client_id="beta", title="=HYPERLINK(1)",
                                     priority=Priority.P1, created_at=at(12, 9),
                                     updated_at=at(12, 9))])  # fmt: skip
    rows = csv.DictReader(
        io.StringIO(render_report_csv(build_report(store, "beta", NOVEMBER, NOW)))
    )
    assert "'=HYPERLINK(1)" in [r["title"] for r in rows if r["section"] == "p1"]


def test_a_logo_that_cannot_be_used_is_named(tmp_path: Path) -> None:
    text = tmp_path / "logo.txt"
    text.write_text("not an image", encoding="utf-8")
    with pytest.raises(LogoProblem, match=r"logo\.txt: not a PNG or JPEG"):
        logo_data_url(str(text))
    with pytest.raises(LogoProblem, match=r"missing\.png: No such file"):
        logo_data_url(str(tmp_path / "missing.png"))
    assert logo_data_url("") == ""


def test_long_lists_are_cut_in_the_document_and_whole_in_the_csv(store: Store) -> None:
    fill(store)
    store.upsert_incidents(link_downs(45))
    report = build_report(store, "beta", NOVEMBER, NOW)
    assert len(report.majors) == 45
    html = render_report_html(report, ReportSettings())
    majors = html.split("P1 incidents (45)", 1)[1].split("<h2>", 1)[0]
    assert majors.count("Link down") == 40
    assert "… and 5 more incidents: the CSV report lists them all." in html
    rows = csv.DictReader(io.StringIO(render_report_csv(report)))
    assert sum(r["section"] == "p1" for r in rows) == 45


def _declare(store: Store, title: str, children: list[tuple[str, str]], declared: datetime,
             ) -> MajorIncident:  # fmt: skip
    """A major incident over the (client, ticket) `children` of source "test"."""
    record = MajorIncident(
        title, Priority.P1, "Dana", "Sam", declared, "Dana",
        clients=tuple(dict.fromkeys(c for c, _ in children)),
        children=tuple(MajorIncidentChild(IncidentKey("test", n), c, title) for c, n in children),
        detected_at=declared - timedelta(minutes=12),
    )  # fmt: skip
    return store.declare_major_incident(record, [], declared)[0]


def _event(store: Store, record: MajorIncident, kind: EventKind, when: datetime) -> None:
    store.record_major_incident_event(record.id, MajorIncidentEvent(kind, when, "Sam"))


def test_the_declared_major_incidents_that_touched_the_client(store: Store) -> None:
    """Issue 21 meets issue 22: the client hears which major incidents hit it, how soon it
    was told and how often — from the records, not guessed from P1s."""
    fill(store)
    carrier = _declare(store, "Carrier <outage> at Oslo", [("beta", "B1"), ("acme", "A1"),
                                                         ("acme", "A2")], at(14, 9))  # fmt: skip
    _event(store, carrier, EventKind.UPDATE_SENT, at(14, 9, 11))
    _event(store, carrier, EventKind.UPDATE_SENT, at(14, 9, 41))
    _event(store, carrier, EventKind.RESOLVED, at(14, 11, 48))
    _declare(store, "Backup platform down", [("beta", "B2")], at(20, 8))  # not acme's
    last_month = _declare(store, "Last month's", [("acme", "A3")], at(30, 8, month=10))
    _event(store, last_month, EventKind.RESOLVED, at(30, 10, month=10))
    october = _declare(store, "Still open from October", [("acme", "A4")], at(31, 22, month=10))

    report = build_report(store, "acme", NOVEMBER, NOW)
    assert [d.record.title for d in report.declared] == ["Still open from October",
                                                         "Carrier <outage> at Oslo"]  # fmt: skip
    oslo = report.declared[1]
    assert [k.external_id for k in oslo.tickets] == ["A1", "A2"]  # only acme's tickets
    assert oslo.updates_sent == 2
    assert oslo.first_update_after == timedelta(minutes=11)
    assert oslo.lasted == timedelta(hours=3)  # detected 08:48, resolved 11:48
    assert report.declared[0].record.id == october.id
    assert report.declared[0].lasted is None

    html = render_report_html(report, ReportSettings())
    section = html.split("Major incidents (2)", 1)[1].split("<h2>", 1)[0]
    assert "Carrier &lt;outage&gt; at Oslo" in section
    assert "<outage>" not in section
    for cell in (">11m 00s<", ">3h 00m<", ">open<", ">A1, A2<"):
        assert cell in section
    assert "B1" not in section

    rows = [r for r in csv.DictReader(io.StringIO(render_report_csv(report)))
            if r["section"] == "major_incident"]  # fmt: skip
    assert [(r["label"], r["incident"], r["updates_sent"], r["first_update_minutes"])
            for r in rows][1] == (carrier.reference, "A1 A2", "2", "11.0")  # fmt: skip
    assert rows[1]["resolved_utc"] == "2026-11-14T11:48:00Z"

    quiet = render_report_html(build_report(store, "acme", Period.month("2026-09"), NOW),
                               ReportSettings())  # fmt: skip
    assert "Major incidents (0)" not in quiet  # a quiet month's report is empty as before
    beta = render_report_html(build_report(store, "beta", NOVEMBER, NOW), ReportSettings())
    assert "Major incidents (2)" in beta
    assert "Backup platform down" in beta
