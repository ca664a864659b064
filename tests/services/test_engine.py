"""The engine's threads: they sync on their own, deliver what is submitted, and stop."""

from __future__ import annotations

import threading
from datetime import timedelta

from noc_console.connectors.demo.feed import DemoFeed
from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.services.engine import EngineEvent, SyncEngine


def test_threads_sync_deliver_on_submit_and_stop(store: Store, clock: ManualClock) -> None:
    demo = DemoFeed(clock)
    engine = SyncEngine(store, [demo], clock, interval=timedelta(hours=1))
    events: list[EngineEvent] = []
    seen = threading.Condition()

    def listen(event: EngineEvent) -> None:
        with seen:
            events.append(event)
            seen.notify_all()

    engine.add_listener(listen)
    engine.start()
    try:
        with seen:
            assert seen.wait_for(lambda: any(e.synced for e in events), timeout=10)
        row = store.open_rows()[0]
        action = Action(row.key, ActionKind.NOTE, {"text": "on it"})
        engine.submit(action)  # wakes the demo's thread: no need to wait an hour
        with seen:
            assert seen.wait_for(
                lambda: any(e.delivery and e.delivery.delivered for e in events), timeout=10
            )
        (queued,) = store.outbox()
        assert queued.state is ActionState.DELIVERED
    finally:
        engine.stop()
    assert all(not t.name.startswith("sync-") for t in threading.enumerate())
