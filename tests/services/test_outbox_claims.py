"""Two processes sharing one cache deliver an action once (issue 14, item 2).

Each side has its own `Store` (its own engine and connections, as a second process
would) on the same SQLite file, and its own claim owner; the fake PSA holds the first
write-back at the door so the second side runs while the first is in flight.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.rest_json.connector import RestJsonConnector
from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.claims import ClaimOwner, is_dead
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey
from noc_console.services.outbox import LEASE, DeliveryReport, OutboxService
from noc_console.services.sync import SyncService
from tests.fakes.fake_psa import FakePsa, running

KEY = IncidentKey("psa", "INC-1")


@pytest.fixture
def psa() -> Iterator[FakePsa]:
    fake = FakePsa()
    fake.add(1)
    with running(fake) as server:
        yield server


def connector(psa: FakePsa) -> RestJsonConnector:
    return RestJsonConnector("psa", HttpSettings(psa.url, 2.0, 30.0, retries=0), "Fake PSA")


@pytest.fixture
def stores(db_url: str) -> Iterator[tuple[Store, Store]]:
    first, second = Store.open(db_url), Store.open(db_url)
    yield first, second
    first.close()
    second.close()


def queued_note(psa: FakePsa, store: Store, clock: ManualClock) -> Action:
    SyncService(connector(psa), store, clock).sync_once()
    action = Action(KEY, ActionKind.NOTE, {"text": "checked the circuit", "internal": True})
    store.enqueue(action, clock.now())
    return action


def owner(name: str) -> ClaimOwner:
    return ClaimOwner("this-test", 1, name)


def test_an_action_in_flight_in_one_process_is_left_alone_by_another(
    psa: FakePsa, stores: tuple[Store, Store], clock: ManualClock
) -> None:
    first, second = stores
    action = queued_note(psa, first, clock)
    gate = psa.hold(f"/incidents/{KEY.external_id}/actions")
    reports: list[DeliveryReport] = []
    one = OutboxService(first, clock, random.Random(1), owner("one"))
    thread = threading.Thread(target=lambda: reports.append(one.deliver(connector(psa))))
    thread.start()
    try:
        assert gate.arrived.wait(60), "the first delivery never reached the PSA"
        other = OutboxService(second, clock, random.Random(2), owner("two")).deliver(connector(psa))
    finally:
        gate.release.set()
        thread.join(60)
    assert other.delivered == 0
    assert reports[0].delivered == 1
    with psa.lock:
        assert psa.applied[action.id] == 1
    (done,) = second.outbox(key=KEY)
    assert done.state is ActionState.DELIVERED


def test_a_claim_whose_lease_ran_out_is_taken_over_as_a_retry(
    psa: FakePsa, stores: tuple[Store, Store], clock: ManualClock
) -> None:
    first, second = stores
    action = queued_note(psa, first, clock)
    (queued,) = first.outbox(key=KEY)
    elsewhere = "another-host/4242/abcd"  # a claimant this machine cannot check on
    assert first.claim(queued.seq, elsewhere, clock.now(), clock.now() + LEASE) is not None
    service = OutboxService(second, clock, random.Random(2), owner("two"))
    assert service.deliver(connector(psa)).delivered == 0  # still under its lease
    clock.advance(LEASE + timedelta(seconds=1))
    assert service.deliver(connector(psa)).delivered == 1
    with psa.lock:
        assert psa.applied[action.id] == 1
    # It was delivered as a retry: the connector asked first whether it had landed.
    assert psa.count("GET", f"/incidents/{KEY.external_id}/actions/{action.id}") == 1


def test_a_dead_claimant_on_this_machine_is_taken_over_at_once(
    psa: FakePsa, stores: tuple[Store, Store], clock: ManualClock, tmp_path: Path
) -> None:
    first, second = stores
    queued_note(psa, first, clock)
    (queued,) = first.outbox(key=KEY)
    dead = ClaimOwner.this_process()
    dead_pid = _a_dead_pid()
    gone = f"{dead.host}/{dead_pid}/0000"
    assert is_dead(gone)
    assert first.claim(queued.seq, gone, clock.now(), clock.now() + LEASE) is not None
    report = OutboxService(second, clock, random.Random(2), owner("two")).deliver(connector(psa))
    assert report.delivered == 1


def test_claims_of_live_processes_are_not_dead() -> None:
    me = ClaimOwner.this_process()
    assert not is_dead(str(me))
    assert not is_dead(f"{me.host}/1/x")  # init (or the container's first process) lives
    assert not is_dead("some-other-host/999999/x")
    assert not is_dead("garbage")


def _a_dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid
