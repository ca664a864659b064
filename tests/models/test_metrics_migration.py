"""Migration 0012 (issue 22): a cache from before it gets each incident's symptom and
durations, the same the store writes, and its business time stays unknown (the
migration knows no calendars) — the metrics then count it in MTTR only."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, select

from noc_console.models.cache.database import _alembic_config
from noc_console.models.cache.schema import INCIDENTS
from noc_console.models.cache.store import Store
from noc_console.services.metrics import Period, measure
from tests.services.metrics_month import NOW, fill

FACTS = ("symptom", "created_s", "response_wall_s", "resolution_wall_s")


def facts(url: str) -> dict[str, tuple[object, ...]]:
    engine = create_engine(url)
    columns = [INCIDENTS.c[name] for name in (*FACTS, "resolution_business_s")]
    with engine.connect() as connection:
        found = {r[0]: tuple(r[1:]) for r in connection.execute(
            select(INCIDENTS.c.external_id, *columns))}  # fmt: skip
    engine.dispose()
    return found


def test_an_older_cache_gets_the_facts_the_store_writes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cache.sqlite3'}"
    store = Store.open(url)
    fill(store)  # the hand-computed month, pauses and all
    store.close()
    written = facts(url)
    assert written["A3"] == ("backup failed on srv#", written["A3"][1], 300, 7200, 7200)

    engine = create_engine(url)
    config = _alembic_config()
    for target in ("0008", "0012"):  # back to before the metrics, and up again
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if target == "0008" else command.upgrade)(config, target)
    engine.dispose()

    migrated = facts(url)
    assert {k: v[:4] for k, v in migrated.items()} == {k: v[:4] for k, v in written.items()}
    assert {v[4] for v in migrated.values()} == {None}
    store = Store.open(url)
    acme = measure(store, Period.month("2026-11"), NOW)["acme"]
    store.close()
    assert acme.mttr is not None
    assert acme.mttr_business is None
