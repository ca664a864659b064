"""A console following a team's shared PostgreSQL (issue 17, item 2): every committed
change to incidents, the outbox and handovers reaches the follower's listener as what
to read again; a broken feed reconnects and asks for a reload; a slow poll asks for one
even when no notification came. Waits are on conditions, never on speed."""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator
from datetime import timedelta

import psycopg
import pytest

from noc_console.models.actions import Action, ActionKind
from noc_console.models.cache.handover_table import SavedHandover
from noc_console.models.cache.shared import Change
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey
from noc_console.services.team.follow import Followed, Follower, FollowOptions, followed
from tests.factories import incident
from tests.peers.postgres import plain_dsn

LIMIT = 60.0  # seconds: a bound on waiting, never a speed claim


class Heard:
    """What a follower told its listener, in order."""

    def __init__(self) -> None:
        self.news: queue.Queue[Followed] = queue.Queue()

    def __call__(self, news: Followed) -> None:
        self.news.put(news)

    def until(self, wanted: str, check: Callable[[Followed], object]) -> Followed:
        """The first news for which `check(news)` holds (others are skipped)."""
        while True:
            try:
                news = self.news.get(timeout=LIMIT)
            except queue.Empty:
                pytest.fail(f"the follower never told {wanted}")
            if check(news):
                return news


@pytest.fixture
def following(pg_url: str, shared: Store) -> Iterator[tuple[Follower, Heard]]:
    follower = Follower(pg_url, FollowOptions(wait_s=0.2, poll_s=3600.0, backoff_s=(0.1, 0.5)))
    heard = Heard()
    follower.start(heard)
    heard.until("the first reload (what happened before it listened)", lambda n: n.reload)
    yield follower, heard
    follower.stop()


def test_every_committed_change_becomes_what_to_read_again(
    following: tuple[Follower, Heard], shared: Store, clock: ManualClock
) -> None:
    _, heard = following
    shared.upsert_incidents([incident(1, source="psa"), incident(2, source="psa")])
    news = heard.until("the new incidents", lambda n: n.keys)
    assert news.keys <= {IncidentKey("psa", "T-1"), IncidentKey("psa", "T-2")}
    key = IncidentKey("psa", "T-2")
    shared.enqueue(Action(key, ActionKind.ACKNOWLEDGE), clock.now())  # a console's action
    assert key in heard.until("the acknowledged incident", lambda n: key in n.keys).keys
    start = clock.now()
    shared.save_handover(SavedHandover("Day", start, start + timedelta(hours=8), start, "lead"))
    assert "handovers" in heard.until("the handover", lambda n: n.tables).tables


def test_a_broken_feed_reconnects_and_asks_for_a_reload(
    following: tuple[Follower, Heard], shared: Store, pg_url: str
) -> None:
    follower, heard = following
    with psycopg.connect(plain_dsn(pg_url), autocommit=True) as admin:
        ended = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE query LIKE 'LISTEN%' AND datname = current_database()"
        ).fetchall()
    assert ended, "the follower's LISTEN session was not found"
    heard.until("a reload after reconnecting", lambda n: n.reload)
    assert follower.connected
    shared.upsert_incidents([incident(9, source="psa")])  # and it hears again
    heard.until("a change after reconnecting", lambda n: IncidentKey("psa", "T-9") in n.keys)


def test_the_slow_poll_asks_for_a_reload_without_any_notification(
    pg_url: str, shared: Store
) -> None:
    follower = Follower(pg_url, FollowOptions(wait_s=0.1, poll_s=0.3))
    heard = Heard()
    follower.start(heard)
    try:
        heard.until("the first reload", lambda n: n.reload)
        heard.until("a reload from the slow poll", lambda n: n.reload)
    finally:
        follower.stop()


def test_notifications_fold_into_keys_tables_and_reloads() -> None:
    news = followed(
        [
            Change("incidents", "psa", ("1", "2")),
            Change("outbox", "psa", ("2", "3")),
            Change("handovers"),
        ]
    )
    assert news == Followed(
        frozenset(IncidentKey("psa", i) for i in ("1", "2", "3")), frozenset({"handovers"})
    )
    assert followed([Change("incidents", "psa", None)]).reload  # "any of this source"
    assert followed([Change("unknown")]).reload  # not our triggers' payload
    assert not followed([])
