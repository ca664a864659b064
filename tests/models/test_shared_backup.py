"""The backup docs/team.md gives (issue 17, item 8): `pg_dump --format=custom` of a shared
database, `pg_restore --no-owner --role=…` into an empty one, and the copy is a current
NOC Console database with the same incidents, queued actions and change-notification
triggers.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg

from noc_console.models.actions import Action, ActionKind
from noc_console.models.cache.database import HEAD_REVISION, upgrade
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from tests.factories import incident
from tests.peers.postgres import ROLE, PgCluster, bin_dir, plain_dsn

TRIGGERS = "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"


def test_a_dump_restored_as_the_team_page_says_is_a_current_copy(
    pg_cluster: PgCluster, pg_url: str, tmp_path: Path, clock: ManualClock
) -> None:
    upgrade(pg_url)
    store = Store.open(pg_url)
    store.upsert_incidents([incident(n) for n in range(1, 21)])
    store.enqueue(Action(incident(1).key, ActionKind.NOTE, {"text": "checked"}), clock.now())
    queued = [q.action.id for q in store.outbox()]
    store.close()
    assert len(queued) == 1
    binaries = bin_dir()
    assert binaries is not None
    dump = tmp_path / "noc.dump"
    subprocess.run([str(binaries / "pg_dump"), "--format=custom", f"--file={dump}",
                    plain_dsn(pg_url)], check=True, timeout=120)  # fmt: skip
    copy = pg_cluster.new_database("restored")
    subprocess.run([str(binaries / "pg_restore"), "--no-owner", f"--role={ROLE}",
                    f"--dbname={plain_dsn(copy)}", str(dump)], check=True, timeout=120)  # fmt: skip
    assert upgrade(copy) == (HEAD_REVISION, HEAD_REVISION)
    restored = Store.open(copy)
    try:
        assert restored.open_count() == 20
        assert [q.action.id for q in restored.outbox()] == queued
    finally:
        restored.close()
    with psycopg.connect(plain_dsn(pg_url)) as a, psycopg.connect(plain_dsn(copy)) as b:
        original, copied = a.execute(TRIGGERS).fetchone(), b.execute(TRIGGERS).fetchone()
    assert original == copied
    assert original is not None
    assert original[0] > 0
