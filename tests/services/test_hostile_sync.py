"""Hostile records and future-dated stamps against the real sync path: a rest_json
connector over HTTP on 127.0.0.1 to the fake PSA, into a real cache.

One bad record is logged and skipped with its id and reason; the rest of its page
lands; nothing a record says can freeze the source's watermark (issue 14, items 1, 3).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.rest_json.connector import RestJsonConnector
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey
from noc_console.models.record_text import TITLE_MAX
from noc_console.services.sources.connectivity import Connectivity, feed_status
from noc_console.services.sync import FUTURE_SLACK, SyncService
from tests.fakes.fake_psa import FakePsa, running

NOW = datetime(2026, 11, 25, 14, tzinfo=UTC)


@pytest.fixture
def psa() -> Iterator[FakePsa]:
    fake = FakePsa(NOW)
    fake.add(1)
    fake.add(2)
    with running(fake) as server:
        yield server


def service(psa: FakePsa, store: Store, clock: ManualClock) -> SyncService:
    connector = RestJsonConnector("psa", HttpSettings(psa.url, 2.0, 5.0, retries=0))
    return SyncService(connector, store, clock)


def record(**fields: Any) -> dict[str, Any]:
    base = {"id": "BAD-1", "client": "acme", "title": "hostile", "status": "new",
            "priority": "P2", "created": "2026-11-25T13:00:00+00:00",
            "updated": "2026-11-25T13:00:00+00:00", "version": "1"}  # fmt: skip
    base.update(fields)
    return base


MALFORMED = {
    "created in year 1 with a positive offset": record(created="0001-01-01T00:00:00+05:00"),
    "created in year 9999": record(created="9999-12-31T23:59:59+00:00"),
    "updated in year 9999": record(updated="9999-12-31T23:59:59+00:00"),
    "impact Infinity": record(impact=float("inf")),
    "impact NaN": record(impact=float("nan")),
    "impact a string": record(impact="high"),
    "a bare JSON string": "INC-42 is down",
    "a list": ["INC-42"],
    "null": None,
    "assignee an object": record(assignee={"name": "Ann"}),
    "assignee a list": record(assignee=["Ann", "Bob"]),
    "title an object": record(title={"text": "x"}),
    "client missing": {k: v for k, v in record().items() if k != "client"},
    "created not a date": record(created="yesterday"),
    "created a number": record(created=1764075600),
    "id 300 characters long": record(id="X" * 300),
    "status unknown": record(status="exploded"),
}


@pytest.mark.parametrize("bad", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_record_is_skipped_with_its_reason_and_the_rest_syncs(
    psa: FakePsa, store: Store, clock: ManualClock, bad: Any
) -> None:
    psa.raw_records.append(bad)
    result = service(psa, store, clock).sync_once()
    assert result.ok, result.error
    assert result.changes.skipped == 1
    keys = {row.key for row in store.open_rows()}
    assert keys == {IncidentKey("psa", "INC-1"), IncidentKey("psa", "INC-2")}
    state = store.sync_state("psa")
    assert state.skipped == 1
    assert state.skip_note is not None
    assert state.skip_note.startswith("record ")


def test_text_a_database_cannot_hold_is_cleaned_not_lost(
    psa: FakePsa, store: Store, clock: ManualClock
) -> None:
    psa.raw_records.append(
        record(
            title="Router \ud800 down\x00 at\r\nsite",
            description="x" * 1_000_000,
            assignee="Ann\udfff",
        )
    )
    result = service(psa, store, clock).sync_once()
    assert result.ok
    assert result.changes.skipped == 0
    (row,) = store.rows([IncidentKey("psa", "BAD-1")])
    assert row.title == "Router \ufffd down at site"
    assert row.assignee == "Ann\ufffd"
    details = store.details(IncidentKey("psa", "BAD-1"))
    assert details is not None
    assert len(details[0]["description"]) <= 20_000


def test_a_megabyte_title_is_capped_at_ingest(
    psa: FakePsa, store: Store, clock: ManualClock
) -> None:
    psa.raw_records.append(record(title="A" * 1_000_000))
    assert service(psa, store, clock).sync_once().ok
    (row,) = store.rows([IncidentKey("psa", "BAD-1")])
    assert len(row.title) == TITLE_MAX
    assert row.title.endswith("…")


def test_a_future_dated_record_does_not_freeze_the_source(
    psa: FakePsa, store: Store, clock: ManualClock
) -> None:
    clock.set(NOW)
    psa.add(3, updated="2199-12-31T23:59:59+00:00")
    sync = service(psa, store, clock)
    assert sync.sync_once().ok
    state = store.sync_state("psa")
    assert state.watermark is not None
    assert state.watermark <= NOW + FUTURE_SLACK
    assert state.warning is not None
    assert "INC-3" in state.warning
    assert "future" in state.warning
    # The status bar does not say "online" as if all were well.
    status = feed_status("psa", "PSA", state, queued=0)
    assert status.state is Connectivity.DEGRADED
    assert status.warning == state.warning
    # Upstream changes after that are still seen.
    psa.touch("INC-1", title="Edited upstream")
    clock.advance(timedelta(minutes=1))
    assert sync.sync_once().ok
    (row,) = store.rows([IncidentKey("psa", "INC-1")])
    assert row.title == "Edited upstream"


def test_a_listing_that_finds_missed_changes_says_so(
    psa: FakePsa, store: Store, clock: ManualClock
) -> None:
    sync = service(psa, store, clock)
    assert sync.sync_once().ok
    # The source changes a record but stamps it in the past (a broken change time):
    # the incremental sync cannot see it; the full listing does, and says so.
    with psa.lock:
        psa.incidents["INC-2"]["title"] = "Changed with an old stamp"
        psa.incidents["INC-2"]["version"] = "9"
        psa.incidents["INC-2"]["updated"] = "2026-11-01T00:00:00+00:00"
    clock.advance(timedelta(minutes=1))
    assert sync.sync_once().ok
    assert store.sync_state("psa").warning is None
    assert sync.sync_once(reconcile=True).ok
    warning = store.sync_state("psa").warning
    assert warning is not None
    assert "missed" in warning
    # It stays visible until the next reconciliation looks again.
    assert sync.sync_once().ok
    assert store.sync_state("psa").warning == warning
    assert sync.sync_once(reconcile=True).ok
    assert store.sync_state("psa").warning is None
