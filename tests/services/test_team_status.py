"""What consoles say about the team's sync service (issue 17, item 2): active on which
host and when each source last synced; a heartbeat three beats old, a clean stop or no
heartbeat at all is a named problem with the data's age — and what a board reads
again after missed notifications is only what differs from what it shows."""

from __future__ import annotations

from datetime import timedelta

from noc_console.models.actions import Action, ActionKind
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey, Status
from noc_console.services.board.feed import BoardFeed
from noc_console.services.sources.connectivity import Connectivity, FeedStatus
from noc_console.services.team.status import (
    BEAT_EVERY,
    BEAT_KEY,
    DEAD_AFTER,
    ServiceBeat,
    service_words,
)
from tests.conftest import T0
from tests.factories import incident

PSA = FeedStatus("psa", "Contoso PSA", Connectivity.ONLINE, last_success_at=T0)


def beat(at_seconds: float, stopped: bool = False) -> ServiceBeat:
    return ServiceBeat("noc-a", 4242, T0 - timedelta(hours=1), T0 + timedelta(seconds=at_seconds),
                       stopped)  # fmt: skip


def test_a_beating_service_is_named_with_each_source_s_last_sync() -> None:
    now = T0 + timedelta(seconds=4)
    words = service_words(beat(2), [PSA], now)
    assert words.text == "sync service: active on noc-a · Contoso PSA synced 4s ago"
    assert not words.problem
    assert words.banner is None
    at_the_limit = T0 + DEAD_AFTER
    assert not service_words(beat(0), [PSA], at_the_limit).problem


def test_a_silent_service_is_a_named_problem_with_the_data_s_age() -> None:
    now = T0 + DEAD_AFTER + BEAT_EVERY
    words = service_words(beat(0), [PSA], now)
    since = f"{T0.astimezone():%H:%M}"
    assert words.problem
    assert words.text == f"sync service not running since {since} — data is 20s old"
    assert words.banner == f"⚠ SYNC SERVICE NOT RUNNING since {since} — data is 20s old"
    stopped = service_words(beat(0, stopped=True), [PSA], T0 + timedelta(seconds=1))
    assert stopped.problem  # said at once, not three beats later
    never = service_words(None, [], T0)
    assert never.text == (
        "sync service not running (none has run on this database) — no data synced yet"
    )


def test_a_heartbeat_round_trips_and_an_unreadable_one_is_none() -> None:
    assert ServiceBeat.from_json(beat(3).to_json()) == beat(3)
    for hostile in (None, "", "[]", "{}", "not json", '{"host": "a", "pid": "x"}',
                    '{"host": "a", "pid": 1, "active_since": "2026-01-01T00:00:00", '
                    '"beat_at": "2026-01-01T00:00:00"}'):  # fmt: skip
        assert ServiceBeat.from_json(hostile) is None  # naive times included


def test_the_feed_reads_the_heartbeat_only_on_a_shared_database(store: Store) -> None:
    store.set_meta(BEAT_KEY, beat(1).to_json())
    assert BoardFeed(store, [], shared=True).service() == beat(1)
    assert BoardFeed(store, []).service() is None


def test_the_shared_feeds_are_the_sources_the_service_keeps_state_for(store: Store) -> None:
    store.record_sync("psa", T0)
    store.record_sync("halo", T0, error="503 from the server")
    feeds = BoardFeed(store, [], shared=True, labels={"psa": "Contoso PSA"}).feeds()
    assert [(f.name, f.label, f.state) for f in feeds] == [
        ("halo", "halo", Connectivity.OFFLINE),
        ("psa", "Contoso PSA", Connectivity.ONLINE),
    ]
    assert BoardFeed(store, []).feeds() == []  # a desk shows its own connectors only


def test_a_reload_reads_only_what_differs_and_what_left_the_board(
    store: Store, clock: ManualClock
) -> None:
    store.upsert_incidents([incident(n) for n in range(1, 5)])
    feed = BoardFeed(store, [])
    shown = feed.snapshot().rows
    assert not feed.refreshed(shown).rows  # nothing missed: nothing to apply
    store.enqueue(Action(IncidentKey("test", "T-2"), ActionKind.ACKNOWLEDGE), clock.now())
    store.upsert_incidents([incident(3, status=Status.RESOLVED, version="2"), incident(5)])
    update = feed.refreshed(shown)
    got = {row.key.external_id: row for row in update.rows}
    assert sorted(got) == ["T-2", "T-3", "T-5"]
    assert got["T-2"].pending_actions == 1
    assert not got["T-3"].is_open  # the board drops it
