"""An hour without the PSA: the board ticks from the cache, actions queue, and on
recovery they are delivered exactly once, in order."""

from __future__ import annotations

import random
from datetime import timedelta

from pytestqt.qtbot import QtBot

from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.rest_json.connector import RestJsonConnector
from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey
from noc_console.services.board.columns import Column
from noc_console.services.board.feed import BoardFeed
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.engine import SyncEngine
from noc_console.services.sources.connectivity import Connectivity
from noc_console.views.board.model import BoardModel
from tests.fakes.fake_psa import FakePsa

MINUTE = timedelta(minutes=1)


def test_offline_for_an_hour_then_recovery(store: Store, clock: ManualClock, qtbot: QtBot) -> None:
    psa = FakePsa(start=clock.now())
    for number in range(1, 6):
        psa.add(number, priority="P3", impact=2, urgency=2, created=clock.now() - MINUTE)
    psa.start()
    port = int(psa.url.rsplit(":", 1)[1])
    connector = RestJsonConnector("psa", HttpSettings(psa.url, 0.5, 0.5, retries=0), "Fake PSA")
    engine = SyncEngine(store, [connector], clock, interval=MINUTE, rng=random.Random(3))
    feed = BoardFeed(store, [connector])
    (first,) = engine.run_once()
    assert first.synced is not None
    assert first.synced.ok
    model = BoardModel(LiveRows(clock.now()))
    model.apply(feed.snapshot())
    assert model.rowCount() == 5
    psa.stop()  # the PSA (or the network) goes away

    submitted: list[Action] = []
    countdowns = []
    for minute in range(60):
        clock.advance(MINUTE)
        engine.run_once()
        if minute in (5, 20, 40):
            for number in (1, 2):
                action = Action(IncidentKey("psa", f"INC-{number}"), ActionKind.NOTE,
                                payload={"text": f"minute {minute}"})  # fmt: skip
                engine.submit(action)
                submitted.append(action)
        model.tick(clock.now())
        countdowns.append(model.data(model.index(0, Column.RESOLUTION)))
    assert len(set(countdowns)) == 60  # the board ticked every minute from the cache
    (status,) = feed.feeds()
    assert status.state is Connectivity.OFFLINE
    assert status.offline_since == first.synced.finished_at + MINUTE
    assert status.queued == len(submitted)
    assert all(q.state is ActionState.PENDING for q in store.outbox())
    assert store.open_count() == 5

    psa.start(port)  # back
    try:
        for _ in range(20):
            clock.advance(timedelta(minutes=5))
            engine.run_once()
            if all(q.state is ActionState.DELIVERED for q in store.outbox()):
                break
        assert [q.state for q in store.outbox()] == [ActionState.DELIVERED] * len(submitted)
        for number in (1, 2):
            expected = [a.id for a in submitted if a.key.external_id == f"INC-{number}"]
            assert psa.action_log[f"INC-{number}"] == expected  # in order
        assert all(psa.applied[a.id] == 1 for a in submitted)  # exactly once
        (status,) = feed.feeds()
        assert status.state is Connectivity.ONLINE
        assert status.queued == 0
    finally:
        psa.stop()
