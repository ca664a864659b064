"""A team console that loses the shared database (issue 17, item 4), against a private
PostgreSQL cluster the test stops and starts (never the session's shared one): the
console keeps working, says what is down since when and how many actions it keeps,
and hands them to the shared outbox once the database is back; a console killed with
SIGKILL between keeping actions and handing them over loses none and doubles none
(counted in the outbox).

Waits are on conditions with generous limits, never on speed."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.database import upgrade
from noc_console.models.cache.store import Store
from noc_console.models.clock import SystemClock
from noc_console.models.incident import IncidentKey
from noc_console.services.config import parse_config
from noc_console.services.runtime import build_runtime
from noc_console.services.sources.connectivity import Connectivity
from noc_console.services.team.spool import DeskSpool, spool_file
from noc_console.services.team.spool_drain import SpoolDrainer
from tests.e2e.spool_worker import action_id
from tests.peers.postgres import PgCluster, plain_dsn

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 120.0  # seconds: generous, for a loaded 2-core machine; never a speed claim


def wait_for(condition: Callable[[], bool], what: str, limit: float = LIMIT) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"gave up after {limit:.0f} s waiting until {what}"
        time.sleep(0.02)


def outbox_ids(url: str) -> list[str]:
    with psycopg.connect(plain_dsn(url)) as connection:
        return [i for (i,) in connection.execute("SELECT id FROM outbox ORDER BY seq")]


def test_a_console_keeps_its_actions_while_the_database_is_down_and_submits_them_once_back(
    pg_private_cluster: PgCluster, tmp_path: Path
) -> None:
    url = pg_private_cluster.new_database()
    upgrade(url)
    runtime = build_runtime(parse_config("", "config.toml"), url, desk=tmp_path)
    try:
        runtime.engine.start()
        assert runtime.feed.feeds() == []  # answering, nothing kept: nothing to say
        pg_private_cluster.pause()
        down = time.monotonic()
        wait_for(lambda: bool(runtime.feed.feeds()), "the console noticed the database left")
        print(f"\nnoticed after {time.monotonic() - down:.2f} s")
        actions = [
            Action(IncidentKey("psa", f"INC-{n}"), ActionKind.ACKNOWLEDGE) for n in (1, 2, 1)
        ]
        for action in actions:
            assert not runtime.engine.submit(action)  # kept; no row changes yet
        [database] = runtime.feed.feeds()
        assert database.label == "shared database"
        assert database.state is Connectivity.OFFLINE
        assert database.offline_since is not None
        assert database.kept == 3
        assert database.last_error  # the driver's words: what to check

        back = SystemClock().now()
        pg_private_cluster.resume()
        wait_for(lambda: runtime.feed.feeds() == [], "the kept actions were handed over")
        assert outbox_ids(url) == [a.id for a in actions]  # in order, once each
        store = Store.open(url)
        try:
            queued = store.outbox()
            assert [q.state for q in queued] == [ActionState.PENDING] * 3
            # taken while the database was away: their time is then, not when handed over
            taken = [q.action.created_at for q in queued]
            assert all(t is not None and t < back for t in taken), (taken, back)
            assert all(q.next_attempt_at is not None and q.next_attempt_at >= back for q in queued)
        finally:
            store.close()
    finally:
        runtime.close()


def test_sending_again_what_may_have_landed_inserts_nothing_twice(
    pg_url: str, tmp_path: Path
) -> None:
    """The connection broke during COMMIT, or the console died after the outbox took an
    action and before the spool let go of it: the action is in both."""
    upgrade(pg_url)
    store = Store.open(pg_url, overlays=False)
    try:
        spool = DeskSpool(spool_file(tmp_path, store.place))
        drainer = SpoolDrainer(spool, store, SystemClock())
        first = Action(IncidentKey("psa", "INC-1"), ActionKind.ACKNOWLEDGE)
        second = Action(IncidentKey("psa", "INC-1"), ActionKind.NOTE, {"text": "on it"})
        drainer.submit(first)
        drainer.submit(second)
        store.enqueue(spool.head()[0][1], SystemClock().now())  # landed, not let go of
        assert drainer.drain() == 2
        assert outbox_ids(pg_url) == [first.id, second.id]
        assert spool.count() == 0
    finally:
        store.close()


def test_a_console_killed_between_keeping_and_handing_over_loses_and_doubles_nothing(
    pg_url: str, tmp_path: Path
) -> None:
    upgrade(pg_url)
    count = 300
    with subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.spool_worker", pg_url, str(tmp_path), str(count)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    ) as worker:  # fmt: skip
        try:
            assert worker.stdout is not None
            assert worker.stdout.readline().strip() == f"kept {count}"
            wait_for(lambda: bool(outbox_ids(pg_url)), "the worker started handing actions over")
            worker.send_signal(signal.SIGKILL)
        finally:
            worker.kill()
            worker.wait(LIMIT)
    handed = outbox_ids(pg_url)
    store = Store.open(pg_url, overlays=False)
    try:
        spool = DeskSpool(spool_file(tmp_path, store.place))
        left = spool.count()
        print(f"\nkilled with {len(handed)} handed over and {left} still kept")
        assert len(handed) + left >= count  # nothing lost (one may be in both)
        SpoolDrainer(spool, store, SystemClock()).drain()  # the next console on this desk
    finally:
        store.close()
    assert outbox_ids(pg_url) == [action_id(n) for n in range(count)]  # once each, in order


def test_a_server_that_restarted_between_two_looks_is_not_called_unreachable(
    pg_private_cluster: PgCluster, tmp_path: Path
) -> None:
    """The console's pooled connection was ended by the restart; the next look reconnects
    instead of raising the red banner for a database that answers."""
    url = pg_private_cluster.new_database()
    upgrade(url)
    store = Store.open(url, overlays=False)
    try:
        drainer = SpoolDrainer(DeskSpool(spool_file(tmp_path, store.place)), store, SystemClock())
        drainer.check()  # a connection in the pool
        pg_private_cluster.pause()
        pg_private_cluster.resume()
        drainer.check()
        assert drainer.status() is None
    finally:
        store.close()
