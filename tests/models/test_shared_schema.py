"""The schema on a shared PostgreSQL (issue 17, item 5): migrated only by `db upgrade`,
concurrent upgrades take turns, a console names what to do with an older or newer
schema, and raw records PostgreSQL's JSON would refuse are stored."""

from __future__ import annotations

import math
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from noc_console.models.cache.database import (
    HEAD_REVISION,
    _alembic_config,
    current_revision,
    open_engine,
    upgrade,
)
from noc_console.models.cache.schema import metadata
from noc_console.models.cache.store import Store
from noc_console.models.errors import StoreError
from tests.e2e.test_cli import console
from tests.factories import incident
from tests.peers.postgres import plain_dsn

ROOT = Path(__file__).resolve().parents[2]


def test_migrations_run_on_postgresql_and_match_the_mapping(pg_url: str) -> None:
    assert upgrade(pg_url) == (None, HEAD_REVISION)
    engine = open_engine(pg_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    assert current_revision(engine) == HEAD_REVISION
    engine.dispose()
    assert diff == []
    assert upgrade(pg_url) == (HEAD_REVISION, HEAD_REVISION)  # a second run changes nothing


def test_a_console_never_migrates_a_shared_database(pg_url: str) -> None:
    refusal = r"has no NOC Console schema yet.*`noc-console --db \S+ db upgrade`"
    with pytest.raises(StoreError, match=refusal):
        Store.open(pg_url)
    engine = create_engine(pg_url)
    assert inspect(engine).get_table_names() == []  # left exactly as it was
    engine.dispose()


def test_an_older_shared_schema_asks_for_db_upgrade(pg_url: str) -> None:
    engine = create_engine(pg_url)
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
    engine.dispose()
    with pytest.raises(StoreError, match=r"is at schema 0006; this version needs .*db upgrade"):
        Store.open(pg_url)
    result = console("--db", pg_url, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"schema 0006 → {HEAD_REVISION}"
    Store.open(pg_url).close()


def test_a_newer_schema_names_the_version_to_install(pg_url: str) -> None:
    upgrade(pg_url)
    with psycopg.connect(plain_dsn(pg_url), autocommit=True) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
        connection.execute("UPDATE cache_meta SET value = '9.1.0' WHERE key = 'schema_written_by'")
    result = console("--db", pg_url, "outbox", "list")
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert "schema 0099" in line
    assert "install NOC Console 9.1.0 or newer" in line


def test_two_upgrades_at_once_take_turns(pg_url: str, tmp_path: Path) -> None:
    """The first upgrade stops after its first schema statement; the second must wait
    for it (on the advisory lock) instead of racing it, and both then succeed."""
    flag = tmp_path / "go-on"
    first = subprocess.Popen(
        [sys.executable, "-m", "tests.models.cache_opener", pg_url, "--upgrade",
         "--pause-after", "1", str(flag)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert first.stdout is not None
    assert first.stdout.readline().strip() == "paused"
    second = subprocess.Popen(
        [sys.executable, "-m", "noc_console", "--db", pg_url, "db", "upgrade"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not advisory_lock_waiters(pg_url):
            assert second.poll() is None, f"the second upgrade did not wait: {second.stderr}"
            assert time.monotonic() < deadline, "the second upgrade never waited for the first"
            time.sleep(0.1)
    finally:
        flag.touch()
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert out.strip() == f"schema {HEAD_REVISION}: current"  # found it done after waiting
    with psycopg.connect(plain_dsn(pg_url)) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (HEAD_REVISION,)
        ]


def advisory_lock_waiters(url: str) -> int:
    with psycopg.connect(plain_dsn(url)) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        ).fetchone()
    return int(row[0]) if row else 0


def test_a_raw_record_with_nan_and_infinity_is_stored(pg_url: str) -> None:
    upgrade(pg_url)
    store = Store.open(pg_url)
    try:
        raw = {"uptime": math.nan, "load": [math.inf, -math.inf, 1.5], "ok": None}
        store.upsert_incidents([incident(1, raw=raw)])
        found = store.details(incident(1).key)
    finally:
        store.close()
    assert found is not None
    assert found[0]["raw"] == {"uptime": "NaN", "load": ["Infinity", "-Infinity", 1.5], "ok": None}
