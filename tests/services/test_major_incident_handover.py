"""The handover lists the declared major incidents with their next client update, red
once it is overdue; their text is escaped like every PSA or person's text."""

from __future__ import annotations

from datetime import timedelta

from noc_console.models.cache.store import Store
from noc_console.models.incident import IncidentKey, Priority
from noc_console.models.major_incident import (
    EventKind,
    MajorIncident,
    MajorIncidentChild,
    MajorIncidentEvent,
)
from noc_console.models.shift import ShiftPlan
from noc_console.services.handover.document import render_handover_html
from noc_console.services.handover.report import assemble_handover
from noc_console.services.sla_config import SlaSettings
from tests.conftest import T0

MIN = timedelta(minutes=1)
PLAN = ShiftPlan(timezone="UTC")


def declare(store: Store, title: str, minutes: int) -> MajorIncident:
    record = MajorIncident(
        title, Priority.P1, "Dana <b>", "Sam", T0 + minutes * MIN, "Dana", ("acme",),
        (MajorIncidentChild(IncidentKey("rt", str(minutes)), "acme"),),
    )  # fmt: skip
    return store.declare_major_incident(record, [], T0)[0]


def test_declared_major_incidents_show_their_next_update_and_overdue_in_red(
    store: Store,
) -> None:
    late = declare(store, "Carrier outage <script>", 0)  # first update due T0 + 15m
    calm = declare(store, "DNS failure", 10)
    sent = MajorIncidentEvent(EventKind.UPDATE_SENT, T0 + 12 * MIN, "Sam")
    store.record_major_incident_event(calm.id, sent)  # next due T0 + 42m
    now = T0 + 20 * MIN
    report = assemble_handover(store, PLAN, PLAN.span_at(now), now, SlaSettings())
    assert [c.record.id for c in report.declared] == [late.id, calm.id]
    page = render_handover_html(report).replace("&nbsp;", " ")
    assert "Declared major incidents (2)" in page
    assert '<span class="bad">client update OVERDUE by 5m 00s' in page
    assert "next client update in 22m 00s" in page
    assert "Carrier outage &lt;script&gt;" in page
    assert "<script>" not in page
    assert "Dana &lt;b&gt; / Sam" in page
