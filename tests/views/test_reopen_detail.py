"""The detail panel says when a reopened incident's clocks were paused, and how often it
was reopened (docs/sla.md, "Reopened incidents")."""

from __future__ import annotations

from noc_console.models.cache.store import Store
from noc_console.models.incident import Client, IncidentKey, Status
from noc_console.services.board.incident_detail import incident_detail
from noc_console.views.board.detail_panel import render
from tests.conftest import T0
from tests.models.test_reopen import MIN, _write


def test_a_reopened_incident_shows_its_reopens_and_the_paused_time(store: Store) -> None:
    store.upsert_clients([Client("acme", "Acme Corp", "Gold")])
    _write(store, Status.IN_PROGRESS, 1, 1)
    _write(store, Status.RESOLVED, 30, 2)
    _write(store, Status.IN_PROGRESS, 90, 3)
    detail = incident_detail(store, IncidentKey("test", "T-1"), T0 + 100 * MIN)
    assert detail is not None
    page = render(detail, T0 + 100 * MIN)
    assert "<td>Reopened</td><td>1 time</td>" in page
    assert "Resolved: clocks paused" in page
    assert "Reopened: clocks run again" in page
    assert "Paused: resolved" not in page
