"""The outbox and the change feed on a shared PostgreSQL (issue 17, items 1 and 2): a
claim skips a row another transaction has locked instead of waiting for it; a service
lock is held by one session at a time and goes with its session; every committed write
to incidents, the outbox and handovers is announced to listeners on other connections."""

from __future__ import annotations

import threading
from datetime import timedelta

import psycopg

from noc_console.models.actions import Action, ActionKind
from noc_console.models.cache.handover_table import SavedHandover
from noc_console.models.cache.shared import Change, ChangeFeed, SessionLock
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey
from tests.factories import incident
from tests.peers.postgres import plain_dsn

LIMIT = 60.0  # seconds: a bound on waiting, never a speed claim


def test_a_claim_skips_a_row_another_transaction_holds(
    shared: Store, pg_url: str, clock: ManualClock
) -> None:
    seq, _ = shared.enqueue(
        Action(IncidentKey("psa", "INC-1"), ActionKind.ACKNOWLEDGE), clock.now()
    )
    result: list[object] = []
    with psycopg.connect(plain_dsn(pg_url)) as other:
        other.execute("SELECT seq FROM outbox WHERE seq = %s FOR UPDATE", (seq,))  # claiming
        attempt = threading.Thread(
            target=lambda: result.append(
                shared.claim(seq, "me", clock.now(), clock.now() + timedelta(minutes=5))
            )
        )
        attempt.start()
        attempt.join(LIMIT)
        waited = attempt.is_alive()
        other.rollback()  # lets a waiting claim go on, so the thread ends either way
    attempt.join(LIMIT)
    assert not waited, "the claim waited for the other transaction instead of skipping the row"
    assert result == [None]
    claimed = shared.claim(seq, "me", clock.now(), clock.now() + timedelta(minutes=5))
    assert claimed is not None
    assert claimed.attempts == 1


def test_one_session_at_a_time_holds_the_service_lock(shared: Store, pg_url: str) -> None:
    first, second = SessionLock(pg_url), SessionLock(pg_url)
    try:
        assert first.try_acquire()
        assert not second.try_acquire()
        assert first.held()
        first.close()  # the session ends: so does the lock
        assert second.try_acquire()
    finally:
        first.close()
        second.close()


def test_committed_changes_reach_a_listener_on_another_connection(
    shared: Store, pg_url: str, clock: ManualClock
) -> None:
    feed = ChangeFeed(pg_url)
    try:
        assert feed.wait(0.0) == []  # listening from here on
        shared.upsert_incidents([incident(1), incident(2)])
        assert collect(feed, {("incidents", "test", "T-1"), ("incidents", "test", "T-2")})
        shared.enqueue(Action(IncidentKey("test", "T-2"), ActionKind.ACKNOWLEDGE), clock.now())
        # the action, and the row that now shows it
        assert collect(feed, {("outbox", "test", "T-2"), ("incidents", "test", "T-2")})
        shared.save_handover(
            SavedHandover("Late", clock.now(), clock.now() + timedelta(hours=8), clock.now(), "Ann")
        )
        assert collect(feed, {("handovers", None, None)})
    finally:
        feed.close()


Announced = tuple[str, str | None, str | None]


def collect(feed: ChangeFeed, expected: set[Announced]) -> set[Announced]:
    """Wait until every (table, source, id) expected was announced (a write may come as
    one notification or several); what was announced."""
    found: set[Announced] = set()
    while not expected <= found:
        more = feed.wait(LIMIT)
        assert more, f"no change announced within {LIMIT:.0f} s; still missing {expected - found}"
        found |= {item for change in more for item in announced(change)}
    return found


def announced(change: Change) -> set[Announced]:
    if change.ids is None:
        return {(change.table, change.source, None)}
    return {(change.table, change.source, i) for i in change.ids}
