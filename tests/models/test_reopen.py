"""Reopened incidents: time spent resolved pauses the clocks (docs/sla.md)."""

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from noc_console.models.actions import Action, ActionKind
from noc_console.models.cache.incident_columns import next_pauses
from noc_console.models.cache.store import Store
from noc_console.models.contract import DEFAULT_CONTRACTS, ClientTerms
from noc_console.models.incident import Client, IncidentKey, Priority, Status
from noc_console.models.pauses import Pause, due_date, reopen_count
from noc_console.models.sla import TWENTY_FOUR_SEVEN
from tests.conftest import T0
from tests.factories import incident

MIN = timedelta(minutes=1)
KEY = IncidentKey("test", "T-1")


def _write(store: Store, status: Status, minutes: int, version: int) -> None:
    resolved = status in (Status.RESOLVED, Status.CLOSED)
    store.upsert_incidents([incident(
        1, created_at=T0, responded_at=T0 + MIN, priority=Priority.P1, status=status,
        updated_at=T0 + minutes * MIN, version=str(version),
        resolved_at=T0 + minutes * MIN if resolved else None,
    )])  # fmt: skip


def test_time_spent_resolved_does_not_count_against_the_resolution_clock(store: Store) -> None:
    store.upsert_clients([Client("acme", "Acme Corp", "Gold")])  # P1: 2 h around the clock
    _write(store, Status.IN_PROGRESS, 1, 1)
    _write(store, Status.RESOLVED, 30, 2)
    _write(store, Status.IN_PROGRESS, 90, 3)  # reopened an hour later
    (row,) = store.open_rows()
    assert row.resolution is not None
    assert row.resolution.due_at == T0 + timedelta(hours=3)
    assert row.resolution.remaining(T0 + 90 * MIN) == timedelta(hours=1, minutes=30)
    assert store.pauses(KEY) == [Pause(T0 + 30 * MIN, T0 + 90 * MIN, "resolved")]
    assert store.reopen_counts([KEY]) == {KEY: 1}


def test_each_reopen_is_counted_and_closing_from_the_source_counts_too(store: Store) -> None:
    store.upsert_clients([Client("acme", "Acme Corp", "Gold")])
    _write(store, Status.IN_PROGRESS, 1, 1)
    _write(store, Status.RESOLVED, 10, 2)
    _write(store, Status.WAITING_CUSTOMER, 20, 3)  # reopened straight into a pause
    _write(store, Status.CLOSED, 40, 4)
    _write(store, Status.NEW, 70, 5)
    (row,) = store.open_rows()
    assert row.resolution is not None
    # 2 h + 10 min resolved + 20 min waiting + 30 min closed
    assert row.resolution.due_at == T0 + timedelta(hours=3)
    assert store.reopen_counts([KEY, IncidentKey("test", "none")]) == {KEY: 2}


_OPEN = (Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.RESOLVED, Status.CLOSED)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 240), st.sampled_from(_OPEN)), max_size=12),
    st.integers(1, 900),
)
def test_the_clock_runs_exactly_the_target_in_running_time_whatever_the_reopens(
    changes: list[tuple[int, Status]], target_minutes: int
) -> None:
    """Walk a random status history through the store's pause bookkeeping; the due date
    is where the time spent open and not paused reaches the target, and the reopen count
    is the number of resolved → open transitions."""
    terms = ClientTerms(DEFAULT_CONTRACTS["Gold"], TWENTY_FOUR_SEVEN)
    history = [*changes, (1, Status.IN_PROGRESS)]  # it ends open and running
    pauses: list[Pause] = []
    status, at, resolved_since = Status.IN_PROGRESS, T0, None
    segments: list[tuple[int, int, Status]] = []  # (start, end) minutes after T0, status
    reopens = 0
    for gap, new_status in history:
        segments.append((int((at - T0) / MIN), int((at - T0) / MIN) + gap, status))
        at += gap * MIN
        if not status.is_open and new_status.is_open:
            reopens += 1
        status = new_status
        change = incident(1, created_at=T0, status=status, updated_at=at,
                          resolved_at=None if status.is_open else at)  # fmt: skip
        pauses, _ = next_pauses(change, terms, pauses, resolved_since)
        if status.is_open:
            resolved_since = None
        elif resolved_since is None:
            resolved_since = at
    target = target_minutes * MIN
    running = 0
    expected = None
    for start, end, seg_status in segments:
        if seg_status is Status.IN_PROGRESS:
            if running + end - start >= target_minutes:
                expected = T0 + (start + target_minutes - running) * MIN
                break
            running += end - start
    if expected is None:
        expected = at + (target_minutes - running) * MIN
    assert due_date(T0, target, TWENTY_FOUR_SEVEN, pauses) == expected
    assert reopen_count(pauses) == reopens


def test_a_resolve_still_on_its_way_is_not_a_reopen_when_the_source_says_open(
    store: Store,
) -> None:
    store.upsert_clients([Client("acme", "Acme Corp", "Gold")])
    _write(store, Status.IN_PROGRESS, 1, 1)
    store.enqueue(Action(KEY, ActionKind.RESOLVE, {"text": "fixed"}), T0 + 10 * MIN)
    _write(store, Status.IN_PROGRESS, 20, 2)  # the source has not seen the resolve yet
    assert store.pauses(KEY) == []
    assert store.reopen_counts([KEY]) == {}
