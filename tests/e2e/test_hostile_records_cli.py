"""`sync --once` against a PSA serving malformed records: one line per reason on
stderr with the count, the rest synced, exit 0, no traceback (issue 14 item 3, issue
15 item 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_cli import console
from tests.e2e.workspace_console import rest_json_workspace
from tests.fakes.fake_psa import FakePsa, running

pytestmark = pytest.mark.e2e


def test_sync_once_skips_malformed_records_and_says_why(tmp_path: Path) -> None:
    fake = FakePsa()
    fake.add(1)
    fake.add(2)
    fake.raw_records += [
        "INC-90 is down",
        "INC-91 is down",
        {"id": "INC-92", "client": "acme", "title": "x", "status": "new", "priority": "P2",
         "created": "0001-01-01T00:00:00+05:00", "updated": "2026-11-25T13:00:00+00:00"},
        {"id": "INC-93", "client": "acme", "title": "Title \ud800 with a lone surrogate",
         "status": "new", "priority": "P1", "created": "2026-11-25T13:00:00+00:00",
         "updated": "2026-11-25T13:00:00+00:00"},
    ]  # fmt: skip
    with running(fake) as psa:
        config, db = rest_json_workspace(tmp_path, psa.url)
        result = console("--config", str(config), "--db", db, "sync", "--once")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("psa: 3 changed, 3 skipped;")
    lines = result.stderr.splitlines()
    assert lines[0] == "noc-console: psa: 3 record(s) skipped:"
    assert lines[1] == "  2 × not an object but str … (e.g. record #1 of its page)"
    assert lines[2].startswith("  1 × ")
    assert "created_at" in lines[2]
    assert "(e.g. record INC-92)" in lines[2]
    exported = json.loads(
        console("--config", str(config), "--db", db, "export", "--format", "json").stdout
    )
    titles = {r["external_id"]: r["title"] for r in exported}
    assert titles["INC-93"] == "Title \ufffd with a lone surrogate"
    assert set(titles) == {"INC-1", "INC-2", "INC-93"}
