"""The JSON connector and the sync engine against a fault-injecting fake over real HTTP."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest

from noc_console.connectors.errors import (
    ActionRejected,
    AuthFailed,
    Conflict,
    ConnectorUnavailable,
    NotFound,
    RateLimited,
)
from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.rest_json.connector import RestJsonConnector
from noc_console.models.actions import Action, ActionKind
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey
from noc_console.services.sync import SyncService
from tests.fakes.fake_psa import FakePsa, running


@pytest.fixture
def psa() -> Iterator[FakePsa]:
    fake = FakePsa()
    for number in range(1, 61):  # three pages
        fake.add(number)
    with running(fake) as server:
        yield server


@pytest.fixture
def connector(psa: FakePsa) -> RestJsonConnector:
    return RestJsonConnector("psa", HttpSettings(psa.url, 1.0, 0.5, retries=0), "Fake PSA")


def sync(store: Store, connector: RestJsonConnector, clock: ManualClock) -> object:
    return SyncService(connector, store, clock).sync_once(reconcile=True)


def test_pages_and_clients_arrive(
    store: Store, connector: RestJsonConnector, clock: ManualClock
) -> None:
    result = sync(store, connector, clock)
    assert result.ok  # type: ignore[attr-defined]
    assert store.open_count() == 60
    assert store.client("acme") is not None


@pytest.mark.parametrize(
    ("fault", "seconds", "message"),
    [
        ("drop", 0, "cannot connect"),
        ("delay", 1.5, "timed out"),
        ("500", 0, "server error HTTP 500"),
        ("malformed", 0, "malformed JSON"),
        ("429", 7, "rate limited"),
    ],
)
def test_a_fault_loses_nothing_and_is_reported(
    store: Store, connector: RestJsonConnector, psa: FakePsa, clock: ManualClock,
    fault: str, seconds: float, message: str,
) -> None:  # fmt: skip
    sync(store, connector, clock)
    psa.touch("INC-1", title="Changed during the outage")
    psa.inject(fault, "/incidents", seconds)
    failed = SyncService(connector, store, clock).sync_once()
    assert not failed.ok
    assert message in (failed.error or "")
    assert store.open_count() == 60  # the cache is as it was
    state = store.sync_state("psa")
    assert state.last_error == failed.error
    if fault == "429":
        assert state.retry_at == clock.now() + timedelta(seconds=7)
    recovered = SyncService(connector, store, clock).sync_once()
    assert recovered.ok
    (row,) = store.rows([IncidentKey("psa", "INC-1")])
    assert row.title == "Changed during the outage"
    assert store.sync_state("psa").failures == 0


def test_records_that_fail_validation_are_logged_and_skipped(
    store: Store, connector: RestJsonConnector, psa: FakePsa, clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    psa.add(100, status="on_fire")
    psa.add(101)["created"] = "yesterday-ish"
    psa.incidents["INC-102"] = {"id": "INC-102", "title": "no client, no dates"}
    with caplog.at_level(logging.WARNING):
        result = SyncService(connector, store, clock).sync_once()
    assert result.ok
    assert result.changes.skipped == 3
    assert store.open_count() == 60
    logged = caplog.text
    assert "INC-100" in logged
    assert "INC-101" in logged
    assert "INC-102" in logged


def test_reconciliation_closes_what_the_source_no_longer_lists(
    store: Store, connector: RestJsonConnector, psa: FakePsa, clock: ManualClock
) -> None:
    sync(store, connector, clock)
    psa.remove("INC-5")
    psa.touch("INC-6", status="closed")
    assert sync(store, connector, clock).ok  # type: ignore[attr-defined]
    assert store.open_count() == 58
    (gone,) = store.rows([IncidentKey("psa", "INC-5")])
    assert not gone.is_open


def test_a_listing_that_fails_part_way_closes_nothing(
    store: Store, connector: RestJsonConnector, psa: FakePsa, clock: ManualClock
) -> None:
    sync(store, connector, clock)
    psa.remove("INC-5")
    original = psa._listing

    def failing_second_page(query: dict[str, str]) -> dict[str, object]:
        if query.get("open") == "true" and query.get("page") == "2":
            raise ConnectionError  # the handler thread dies: the client sees a dropped connection
        return original(query)

    psa._listing = failing_second_page  # type: ignore[method-assign]
    assert not sync(store, connector, clock).ok  # type: ignore[attr-defined]
    assert store.open_count() == 60


def action(kind: ActionKind, number: int = 1, **fields: object) -> Action:
    return Action(IncidentKey("psa", f"INC-{number}"), kind, **fields)  # type: ignore[arg-type]


def test_write_back_errors_are_typed(connector: RestJsonConnector, psa: FakePsa) -> None:
    assert connector.apply(action(ActionKind.ACKNOWLEDGE), retry=False) == "2"
    with pytest.raises(NotFound):
        connector.apply(action(ActionKind.NOTE, 999, payload={"text": "x"}), retry=False)
    with pytest.raises(Conflict) as conflict:
        connector.apply(action(ActionKind.ASSIGN, payload={"assignee": "Ann"},
                               expected={"assignee": "Bob"}), retry=False)  # fmt: skip
    assert conflict.value.theirs == {"assignee": None}
    psa.inject("429", "/incidents", 30)
    with pytest.raises(RateLimited) as limited:
        connector.apply(action(ActionKind.NOTE, payload={"text": "x"}), retry=False)
    assert limited.value.retry_after == 30
    psa.inject("drop", "/incidents")
    with pytest.raises(ConnectorUnavailable):
        connector.apply(action(ActionKind.NOTE, payload={"text": "x"}), retry=False)


def test_credentials_refused_is_auth_failed(connector: RestJsonConnector, psa: FakePsa) -> None:
    psa.inject("401", "/clients")
    with pytest.raises(AuthFailed, match="credentials refused"):
        connector.clients()


def test_a_retry_asks_before_sending_again(connector: RestJsonConnector, psa: FakePsa) -> None:
    note = action(ActionKind.NOTE, payload={"text": "checked the tunnel"})
    first = connector.apply(note, retry=False)
    again = connector.apply(note, retry=True)  # as after a crash mid-request
    assert again == first
    assert psa.applied[note.id] == 1
    fresh = action(ActionKind.NOTE, payload={"text": "never reached the PSA"})
    connector.apply(fresh, retry=True)
    assert psa.applied[fresh.id] == 1


def test_a_major_incident_link_is_refused_in_one_line_and_nothing_is_sent(
    connector: RestJsonConnector, psa: FakePsa
) -> None:
    link = Action(IncidentKey("psa", "2"), ActionKind.LINK,
                  {"refers_to": ["1"], "reference": "MI-7"})  # fmt: skip
    with pytest.raises(ActionRejected) as refused:
        connector.apply(link, retry=False)
    assert str(refused.value) == (
        "psa: not linked natively — the rest_json API has no links between incidents; "
        "the internal note names the major incident"
    )
    assert psa.count() == 0
