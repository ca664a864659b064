"""Sync and deliver against a fake PSA until killed; used by test_crash_safety.

    python -m tests.e2e.crash_worker DB_URL PSA_URL SEED [--drain]

Prints `accepted <action id>` once an action is committed to the outbox. With
`--drain` it takes no new actions and delivers everything still queued, then exits.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import timedelta

from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.rest_json.connector import RestJsonConnector
from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.store import Store
from noc_console.models.clock import SystemClock
from noc_console.services.engine import SyncEngine


def main(db_url: str, psa_url: str, seed: int, drain: bool) -> int:
    clock = SystemClock()
    store = Store.open(db_url)
    connector = RestJsonConnector("psa", HttpSettings(psa_url, 1.0, 2.0, retries=0), "Fake PSA")
    engine = SyncEngine(store, [connector], clock, interval=timedelta(0))
    rng = random.Random(seed)
    if drain:  # against a deadline: backoffs after many kills can be long
        deadline = time.monotonic() + 100
        while time.monotonic() < deadline:
            engine.run_once()
            unsettled = store.outbox([ActionState.PENDING])
            if not unsettled:
                return 0
            time.sleep(0.1)  # retries wait for their backoff
        return 1
    while True:
        engine.run_once()
        rows = store.open_rows()
        for _ in range(rng.randint(1, 3)):
            row = rng.choice(rows)
            if rng.random() < 0.5:
                action = Action(row.key, ActionKind.NOTE, {"text": f"note {rng.random():.6f}"})
            else:
                who = rng.choice(["Ann", "Bob", "Cem", "Dee"])
                action = Action(row.key, ActionKind.ASSIGN, {"assignee": who},
                                expected={"assignee": row.assignee})  # fmt: skip
            store.enqueue(action, clock.now())
            print("accepted", action.id, flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    raise SystemExit(main(args[0], args[1], int(args[2]), "--drain" in args))
