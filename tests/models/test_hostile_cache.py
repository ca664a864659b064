"""Opening the cache when the world is not as it should be (issue 14, items 5, 6, 14, 19).

A kill at any point of the first migration leaves a cache that opens; two processes
creating a cache at once both succeed; another application's database, a newer
version's cache and a missing driver are refused with one clear line; a new cache is
readable by its owner only.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from noc_console.models.cache.database import HEAD_REVISION
from noc_console.models.cache.store import Store
from noc_console.models.errors import StoreError

ROOT = Path(__file__).resolve().parents[2]


def opener(db: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.models.cache_opener", f"sqlite:///{db}", *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def schema_statements(tmp_path: Path) -> int:
    """How many schema statements a new cache takes (so kills cover all of them)."""
    done = opener(tmp_path / "count.sqlite3")
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    return int(out.split()[2])


def test_a_kill_at_any_point_of_the_first_migration_leaves_a_cache_that_opens(
    tmp_path: Path,
) -> None:
    total = schema_statements(tmp_path)
    assert total > 10
    points = sorted({1, 2, total // 3, total // 2, total - 1, total})
    for point in points:
        db = tmp_path / f"killed-at-{point}.sqlite3"
        killed = opener(db, "--kill-after", str(point))
        _out, err = killed.communicate(timeout=120)
        assert killed.returncode == -9, f"statement {point}: not killed: {err}"
        store = Store.open(f"sqlite:///{db}")  # must open, and finish the migration
        store.close()
        with sqlite3.connect(db) as connection:
            assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
                HEAD_REVISION,
            )


def test_two_processes_creating_a_new_cache_at_once_both_open_it(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite3"
    flag = tmp_path / "go-on"
    first = opener(db, "--pause-after", "1", str(flag))
    assert first.stdout is not None
    assert first.stdout.readline().strip() == "paused"  # mid-migration, holding the lock
    second = opener(db)
    with contextlib.suppress(subprocess.TimeoutExpired):
        second.wait(timeout=2)  # it should be waiting for the first; if not, it ended
    flag.touch()
    out1, err1 = first.communicate(timeout=120)
    out2, err2 = second.communicate(timeout=120)
    assert first.returncode == 0, out1 + err1
    assert second.returncode == 0, out2 + err2


def test_another_applications_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / "photos.sqlite3"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE albums (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO albums (name) VALUES ('Holidays')")
    before = db.read_bytes()
    with pytest.raises(StoreError) as caught:
        Store.open(f"sqlite:///{db}")
    message = str(caught.value)
    assert "not a NOC Console cache" in message
    assert "albums" in message
    assert str(db) in message
    assert db.read_bytes() == before
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        tables = {n for (n,) in connection.execute("SELECT name FROM sqlite_master")}
    assert tables == {"albums"}


def test_another_alembic_application_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "other.sqlite3"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        connection.execute("INSERT INTO alembic_version VALUES ('ae1027a6acf')")
    with pytest.raises(StoreError, match="not a NOC Console cache"):
        Store.open(f"sqlite:///{db}")


def test_a_cache_from_a_newer_version_names_the_version_to_install(tmp_path: Path) -> None:
    db = tmp_path / "newer.sqlite3"
    Store.open(f"sqlite:///{db}").close()
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0042'")
    with pytest.raises(StoreError) as caught:
        Store.open(f"sqlite:///{db}")
    message = str(caught.value)
    assert "newer NOC Console" in message
    assert "0042" in message
    assert HEAD_REVISION in message


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        # psycopg (the `team` extra) is installed with the tests; psycopg2 is not.
        ("postgresql+psycopg2://noc:hunter2@127.0.0.1/noc", "psycopg2"),
        ("mysql://noc@127.0.0.1/noc", ""),
    ],
)
def test_a_database_without_its_driver_says_what_to_install(url: str, driver: str) -> None:
    with pytest.raises(StoreError) as caught:
        Store.open(url)
    message = str(caught.value)
    assert "driver is not installed" in message
    assert driver in message
    assert "hunter2" not in message


def test_a_cache_that_cannot_be_created_says_so(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot create the cache"):
        Store.open("sqlite:////proc/noc-console-cache.sqlite3")


def test_a_new_cache_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "private.sqlite3"
    previous = os.umask(0o022)
    try:
        Store.open(f"sqlite:///{db}").close()
    finally:
        os.umask(previous)
    for path in tmp_path.glob("private.sqlite3*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_known_revisions_are_alembics() -> None:
    from alembic.script import ScriptDirectory

    from noc_console.models.cache.database import KNOWN_REVISIONS, _alembic_config

    scripts = ScriptDirectory.from_config(_alembic_config())
    assert tuple(reversed([s.revision for s in scripts.walk_revisions()])) == KNOWN_REVISIONS
