"""`noc-console handover` on a bad day (issue 14, items 4 and 19): a disk that fills
up, a folder that cannot hold the file, an absurd `--at`. Each ends in one line on
stderr naming the file or the argument, a non-zero exit, and no half-written file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.workspace_console import console

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE is POSIX"),
]

#: Per-file limit for the "full disk": above SQLite's 32 KiB shared-memory file (the
#: cache is read), below the demo handover in either format (checked by the fixture).
LIMIT = 36 * 1024


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache filled from the demo feed, and each format written once on a roomy disk."""
    folder = tmp_path_factory.mktemp("handover")
    (folder / "config.toml").write_text(
        '[[connectors]]\nname = "demo"\ntype = "demo"\n', encoding="utf-8"
    )  # configured, so `handover` reads the cache as it is rather than syncing
    assert console(folder, "sync", "--once").returncode == 0
    _add_long_titled_incidents(folder)  # the demo's own handover varies with the hour
    for fmt in ("html", "pdf"):
        result = console(folder, "handover", "--format", fmt, "--out", str(folder / f"full.{fmt}"))
        assert result.returncode == 0, result.stderr
        assert (folder / f"full.{fmt}").stat().st_size > LIMIT  # the limit will bite
    return folder


def _add_long_titled_incidents(folder: Path) -> None:
    """Enough open incidents with long titles that either format is well over LIMIT,
    whatever the time of day the demo feed simulates."""
    from datetime import timedelta

    from noc_console.models.cache.store import Store
    from noc_console.models.clock import SystemClock
    from noc_console.models.incident import Incident, Priority, Status

    store = Store.open(f"sqlite:///{folder / 'cache.sqlite3'}")
    client = store.open_rows()[0].client_id
    now = SystemClock().now()
    store.upsert_incidents([
        Incident(source="demo", external_id=f"LONG-{n}", client_id=client,
                 title=f"Core router {n} unreachable — " + "BGP session flapping " * 20,
                 status=Status.NEW, priority=Priority.P2, created_at=now - timedelta(minutes=n),
                 updated_at=now - timedelta(minutes=n))
        for n in range(1, 121)
    ])  # fmt: skip
    store.close()


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def leftovers(folder: Path, keep: set[str]) -> set[str]:
    return {p.name for p in folder.iterdir()} - keep


@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_a_full_disk_is_an_error_and_leaves_no_truncated_file(workspace: Path, fmt: str) -> None:
    out = workspace / "out" / f"handover.{fmt}"
    out.parent.mkdir(exist_ok=True)
    result = console(
        workspace, "handover", "--format", fmt, "--out", str(out), file_size_limit=LIMIT
    )
    assert result.returncode == 1
    assert one_line(result.stderr) == f"noc-console: cannot write {out}: File too large"
    assert not out.exists()
    assert leftovers(out.parent, set()) == set()  # no temporary file left behind either


def test_a_failed_write_keeps_the_previous_file_whole(workspace: Path) -> None:
    out = workspace / "kept" / "handover.pdf"
    out.parent.mkdir(exist_ok=True)
    previous = (workspace / "full.pdf").read_bytes()[: LIMIT // 2] + b"\n%%EOF\n"
    out.write_bytes(previous)
    result = console(
        workspace, "handover", "--format", "pdf", "--out", str(out), file_size_limit=LIMIT
    )
    assert result.returncode == 1
    assert out.read_bytes() == previous
    assert leftovers(out.parent, {out.name}) == set()


def test_a_folder_that_cannot_hold_the_pdf_is_one_line_without_qt_noise(workspace: Path) -> None:
    """Root may write anywhere: a path under a regular file fails for everyone."""
    not_a_folder = workspace / "not-a-folder"
    not_a_folder.write_text("", encoding="utf-8")
    out = not_a_folder / "handover.pdf"
    result = console(workspace, "handover", "--format", "pdf", "--out", str(out))
    assert result.returncode == 1
    assert one_line(result.stderr) == f"noc-console: cannot write {out}: Not a directory"


@pytest.mark.parametrize(
    "at",
    [
        "0001-01-01T00:00",
        "9999-12-31T23:59",
        "0001-01-01T00:00+14:00",
        "9999-12-31T23:59-12:00",
        "1970-01-01T00:00",
    ],
)
def test_an_absurd_at_is_one_line_naming_the_range(workspace: Path, at: str) -> None:
    out = workspace / "never.html"
    result = console(workspace, "handover", "--format", "html", "--out", str(out), "--at", at)
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert line.startswith(f"noc-console: handover: --at {at!r} ")
    assert "1971" in line
    assert "9998" in line
    assert not out.exists()


@pytest.mark.parametrize("at", ["1971-01-01T00:00", "9998-12-31T23:59"])
def test_the_ends_of_the_range_are_accepted(workspace: Path, at: str) -> None:
    out = workspace / f"edge-{at[:4]}.html"
    result = console(workspace, "handover", "--format", "html", "--out", str(out), "--at", at)
    assert result.returncode == 0, result.stderr
    assert "Shift handover" in out.read_text(encoding="utf-8")
