"""Two desks declaring the same group at once on the shared PostgreSQL: the check that
no child is in another open major incident and the insert are one step (an advisory
lock for the transaction), so one declaration wins and the other is refused whole."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import psycopg

from noc_console.models.cache.major_incident_table import CHILDREN_LOCK, MajorIncidentError
from noc_console.models.cache.store import Store
from noc_console.models.incident import IncidentKey, Priority
from noc_console.models.major_incident import MajorIncident, MajorIncidentChild
from tests.peers.postgres import plain_dsn

LIMIT = 60.0  # seconds: a bound on waiting, never a speed claim
NOW = datetime(2026, 11, 25, 13, 30, tzinfo=UTC)
CHILDREN = tuple(MajorIncidentChild(IncidentKey("rt", str(n)), "acme") for n in (1, 2))


def record(title: str) -> MajorIncident:
    return MajorIncident(title, Priority.P1, "Dana", "Sam", NOW, "Dana", ("acme",), CHILDREN)


def lock_waiters(connection: psycopg.Connection) -> int:
    """Sessions waiting for the children's advisory lock now."""
    row = connection.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND ((classid::bigint << 32) | objid::bigint) = %s",
        (CHILDREN_LOCK,),
    ).fetchone()
    return int(row[0]) if row else 0


def test_a_declaration_waits_for_one_in_progress_on_another_desk(
    shared: Store, pg_url: str
) -> None:
    outcome: list[object] = []

    def declare() -> None:
        try:
            outcome.append(shared.declare_major_incident(record("second desk"), [], NOW)[0])
        except MajorIncidentError as exc:
            outcome.append(exc)

    second = threading.Thread(target=declare)
    with psycopg.connect(plain_dsn(pg_url), autocommit=True) as first, \
         psycopg.connect(plain_dsn(pg_url), autocommit=True) as watcher:  # fmt: skip
        first.execute("SELECT pg_advisory_lock(%s)", (CHILDREN_LOCK,))  # a desk declaring now
        second.start()
        deadline = time.monotonic() + LIMIT
        while not lock_waiters(watcher) and second.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        waited = lock_waiters(watcher) == 1
        first.execute("SELECT pg_advisory_unlock(%s)", (CHILDREN_LOCK,))
    second.join(LIMIT)
    assert waited, "the declaration did not wait for the children's lock"
    assert [type(o) for o in outcome] == [MajorIncident]  # then it went ahead


def test_two_desks_declaring_the_same_group_at_once_make_one_major_incident(
    shared: Store, pg_url: str
) -> None:
    other = Store.open(pg_url)
    outcomes: list[object] = []
    start = threading.Barrier(2)

    def declare(store: Store, title: str) -> None:
        start.wait(LIMIT)
        try:
            outcomes.append(store.declare_major_incident(record(title), [], NOW)[0])
        except MajorIncidentError as exc:
            outcomes.append(exc)

    desks = [threading.Thread(target=declare, args=(s, t))
             for s, t in ((shared, "desk A"), (other, "desk B"))]  # fmt: skip
    try:
        for desk in desks:
            desk.start()
        for desk in desks:
            desk.join(LIMIT)
    finally:
        other.close()
    made = [o for o in outcomes if isinstance(o, MajorIncident)]
    refused = [o for o in outcomes if isinstance(o, MajorIncidentError)]
    assert (len(made), len(refused)) == (1, 1)
    assert "rt:1 (and 1 more) is already in MI-" in str(refused[0])
    assert [r.id for r in shared.major_incidents()] == [made[0].id]
