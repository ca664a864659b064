"""Triage actions through the outbox to a fake PSA over real HTTP."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.rest_json.connector import RestJsonConnector
from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.board_row import BoardRow
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey, Status
from noc_console.services.outbox import OutboxService, backoff
from noc_console.services.sync import SyncService
from tests.fakes.fake_psa import FakePsa, running


@pytest.fixture
def psa() -> Iterator[FakePsa]:
    fake = FakePsa()
    for number in range(1, 4):
        fake.add(number)
    with running(fake) as server:
        yield server


@pytest.fixture
def connector(psa: FakePsa) -> RestJsonConnector:
    return RestJsonConnector("psa", HttpSettings(psa.url, 1.0, 1.0, retries=0), "Fake PSA")


@pytest.fixture
def outbox(store: Store, clock: ManualClock, connector: RestJsonConnector) -> OutboxService:
    SyncService(connector, store, clock).sync_once()
    return OutboxService(store, clock, random.Random(1))


def key(number: int) -> IncidentKey:
    return IncidentKey("psa", f"INC-{number}")


def row(store: Store, number: int) -> BoardRow:
    (found,) = store.rows([key(number)])
    return found


def act(kind: ActionKind, number: int = 1, **fields: object) -> Action:
    return Action(key(number), kind, **fields)  # type: ignore[arg-type]


def note(number: int = 1, text: str = "looked at it") -> Action:
    return act(ActionKind.NOTE, number, payload={"text": text, "internal": True})


def assign(number: int, who: str, saw: str | None = None) -> Action:
    return act(ActionKind.ASSIGN, number, payload={"assignee": who}, expected={"assignee": saw})


def test_submit_is_durable_and_shown_at_once(
    outbox: OutboxService, store: Store, db_url: str, clock: ManualClock
) -> None:
    outbox.submit(act(ActionKind.ACKNOWLEDGE, expected={"status": "new"}))
    shown = row(store, 1)
    assert shown.status is Status.ACKNOWLEDGED
    assert shown.response is not None
    assert shown.response.stopped_at == clock.now()
    assert shown.pending_actions == 1
    reopened = Store.open(db_url)
    (queued,) = reopened.outbox()
    assert queued.state is ActionState.PENDING
    assert queued.action.kind is ActionKind.ACKNOWLEDGE
    reopened.close()


def test_delivery_is_in_order_and_exactly_once(
    outbox: OutboxService, store: Store, connector: RestJsonConnector, psa: FakePsa,
    clock: ManualClock,
) -> None:  # fmt: skip
    actions = [assign(1, "Ann"), note(1), act(ActionKind.TIER, 1, payload={"tier": "L2"}),
               note(2)]  # fmt: skip
    for action in actions:
        outbox.submit(action)
    report = outbox.deliver(connector)
    assert report.delivered == 4
    assert psa.action_log["INC-1"] == [a.id for a in actions[:3]]
    assert all(psa.applied[a.id] == 1 for a in actions)
    assert outbox.deliver(connector).delivered == 0
    shown = row(store, 1)
    assert (shown.assignee, shown.tier.value, shown.pending_actions) == ("Ann", "L2", 0)
    SyncService(connector, store, clock).sync_once()
    assert row(store, 1).assignee == "Ann"  # the source's new version agrees


def test_optimistic_change_survives_a_sync_that_does_not_know_it(
    outbox: OutboxService, store: Store, connector: RestJsonConnector, psa: FakePsa,
    clock: ManualClock,
) -> None:  # fmt: skip
    outbox.submit(assign(1, "Ann"))
    psa.touch("INC-1", title="Renamed in the PSA")
    SyncService(connector, store, clock).sync_once()
    shown = row(store, 1)
    assert shown.title == "Renamed in the PSA"
    assert shown.assignee == "Ann"
    assert shown.pending_actions == 1


def test_rate_limit_waits_exactly_as_long_as_retry_after(
    outbox: OutboxService, store: Store, connector: RestJsonConnector, psa: FakePsa,
    clock: ManualClock,
) -> None:  # fmt: skip
    action = note()
    outbox.submit(action)
    psa.inject("429", "/incidents/INC-1/actions", seconds=30)
    report = outbox.deliver(connector)
    assert report.deferred == 1
    assert report.error is not None
    (queued,) = store.outbox()
    assert queued.next_attempt_at == clock.now() + timedelta(seconds=30)
    requests = psa.requests
    clock.advance(timedelta(seconds=29))
    assert outbox.deliver(connector).delivered == 0
    assert psa.requests == requests  # nothing was sent early
    clock.advance(timedelta(seconds=1))
    assert outbox.deliver(connector).delivered == 1
    assert psa.applied[action.id] == 1


def test_transient_failures_back_off_exponentially_with_jitter(
    outbox: OutboxService, store: Store, connector: RestJsonConnector, psa: FakePsa,
    clock: ManualClock,
) -> None:  # fmt: skip
    outbox.submit(note())
    psa.inject("500", "/incidents/INC-1/actions", times=3)
    waits = []
    for _ in range(3):
        assert outbox.deliver(connector).deferred == 1
        (queued,) = store.outbox()
        assert queued.next_attempt_at is not None
        waits.append(queued.next_attempt_at - clock.now())
        clock.set(queued.next_attempt_at)
    for attempt, wait in enumerate(waits, start=1):
        ceiling = timedelta(seconds=2 * 2 ** (attempt - 1))
        assert ceiling / 2 <= wait <= ceiling
    assert outbox.deliver(connector).delivered == 1
    rng = random.Random(5)
    assert max(backoff(n, rng) for n in range(1, 30)) <= timedelta(minutes=5)


def test_a_rejected_action_fails_and_holds_back_the_next_on_that_incident(
    outbox: OutboxService, store: Store, connector: RestJsonConnector, psa: FakePsa
) -> None:
    psa.remove("INC-2")
    outbox.submit(assign(2, "Ann"))
    outbox.submit(note(2, "second"))
    outbox.submit(note(3))
    report = outbox.deliver(connector)
    assert (report.failed, report.delivered) == (1, 1)
    states = [q.state for q in store.outbox()]
    assert states == [ActionState.FAILED, ActionState.PENDING, ActionState.DELIVERED]
    failed = store.outbox()[0]
    assert not failed.retryable
    assert "not found" in (failed.last_error or "")
    assert row(store, 2).failed_actions == 1
    assert outbox.deliver(connector).delivered == 0  # still held back behind the assign


@pytest.mark.parametrize("kind", [ActionKind.NOTE, ActionKind.LINK])
def test_a_failed_note_or_link_holds_nothing_back(
    outbox: OutboxService, store: Store, connector: RestJsonConnector, psa: FakePsa,
    kind: ActionKind,
) -> None:  # fmt: skip
    """A note or a native link changes no field of the ticket: refused, it stays failed on
    its row for someone to retry or discard, and the actions after it — a major
    incident's next client update, an acknowledgement — still go out, in order."""
    if kind is ActionKind.NOTE:  # the PSA refuses it (rest_json refuses links itself)
        psa.inject("422", "/incidents/INC-1/actions", times=1)
    first = act(kind, payload={"text": "declared MI-7", "internal": True, "refers_to": ["2"]})
    update = note(1, "client update: investigating")
    acknowledge = act(ActionKind.ACKNOWLEDGE, expected={"status": "new"})
    for action in (first, update, acknowledge):
        outbox.submit(action)
    outbox.deliver(connector)
    outbox.deliver(connector)
    states = {q.action.id: q.state for q in store.outbox()}
    assert states == {first.id: ActionState.FAILED, update.id: ActionState.DELIVERED,
                      acknowledge.id: ActionState.DELIVERED}  # fmt: skip
    assert psa.notes["INC-1"] == ["client update: investigating"]
    assert psa.incidents["INC-1"]["status"] == "acknowledged"
    assert row(store, 1).failed_actions == 1  # the refusal is still shown


def test_refused_credentials_fail_retryably_and_retry_requeues(
    outbox: OutboxService, store: Store, connector: RestJsonConnector, psa: FakePsa,
    clock: ManualClock,
) -> None:  # fmt: skip
    action = note()
    outbox.submit(action)
    psa.inject("401", "/incidents")
    outbox.deliver(connector)
    (failed,) = store.outbox()
    assert (failed.state, failed.retryable) == (ActionState.FAILED, True)
    store.retry(failed.seq, clock.now())
    assert outbox.deliver(connector).delivered == 1
    assert psa.applied[action.id] == 1


# ---------------------------------------------------------------------- conflicts
def test_a_note_goes_through_when_the_incident_moved_on(
    outbox: OutboxService, connector: RestJsonConnector, psa: FakePsa
) -> None:
    action = note()
    outbox.submit(action)
    psa.touch("INC-1", assignee="Bob", status="in_progress")
    assert outbox.deliver(connector).delivered == 1
    assert psa.notes["INC-1"] == ["looked at it"]


@pytest.fixture
def conflicted(
    outbox: OutboxService, store: Store, connector: RestJsonConnector, psa: FakePsa
) -> tuple[int, Action]:
    mine = assign(1, "Ann", saw=None)
    later = note(1, "waiting behind the conflict")
    outbox.submit(mine)
    outbox.submit(later)
    psa.touch("INC-1", assignee="Bob")  # someone else took it in the PSA meanwhile
    report = outbox.deliver(connector)
    assert report.conflicts == 1
    first, second = store.outbox()
    assert first.state is ActionState.CONFLICT
    assert first.theirs == {"assignee": "Bob"}
    assert second.state is ActionState.PENDING  # held back, not lost
    assert later.id not in psa.applied
    return first.seq, later


def test_field_conflict_is_surfaced_not_overwritten(
    conflicted: tuple[int, Action], store: Store, psa: FakePsa, connector: RestJsonConnector,
    clock: ManualClock,
) -> None:  # fmt: skip
    assert psa.incidents["INC-1"]["assignee"] == "Bob"
    SyncService(connector, store, clock).sync_once()
    shown = row(store, 1)
    assert shown.assignee == "Bob"  # the source's value, not the rejected optimistic one
    assert shown.conflicted_actions == 1


def test_keep_theirs_discards_mine_and_releases_the_queue(
    conflicted: tuple[int, Action], outbox: OutboxService, store: Store,
    connector: RestJsonConnector, psa: FakePsa, clock: ManualClock,
) -> None:  # fmt: skip
    seq, later = conflicted
    store.keep_theirs(seq, clock.now())
    assert outbox.deliver(connector).delivered == 1
    assert psa.applied[later.id] == 1
    assert psa.incidents["INC-1"]["assignee"] == "Bob"
    assert [q.state for q in store.outbox()] == [ActionState.DISCARDED, ActionState.DELIVERED]


def test_apply_mine_overrides_and_releases_the_queue(
    conflicted: tuple[int, Action], outbox: OutboxService, store: Store,
    connector: RestJsonConnector, psa: FakePsa, clock: ManualClock,
) -> None:  # fmt: skip
    seq, later = conflicted
    store.apply_mine(seq, clock.now())
    assert row(store, 1).assignee == "Ann"
    assert outbox.deliver(connector).delivered == 2
    assert psa.incidents["INC-1"]["assignee"] == "Ann"
    assert psa.action_log["INC-1"][-1] == later.id


def test_queued_actions_survive_a_restart(
    outbox: OutboxService, db_url: str, connector: RestJsonConnector, psa: FakePsa,
    clock: ManualClock, tmp_path: Path,
) -> None:  # fmt: skip
    action = note()
    outbox.submit(action)
    reopened = Store.open(db_url)
    assert OutboxService(reopened, clock).deliver(connector).delivered == 1
    assert psa.applied[action.id] == 1
    reopened.close()
