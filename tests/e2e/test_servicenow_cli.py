"""`connectors set-secret/test`, `sync --once` and `export` against the ServiceNow fake,
run as subprocesses with a file-backed test keyring (never the developer's). The fake
runs in this test process; the CLI talks to it over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.e2e.workspace_console import console, steps_ok
from tests.fakes.fake_servicenow import FakeServiceNow
from tests.fakes.http_fake import running

pytestmark = pytest.mark.e2e


@pytest.fixture
def sn() -> Iterator[FakeServiceNow]:
    fake = FakeServiceNow()
    fake.seed(40)
    with running(fake) as server:
        yield server


def workspace(folder: Path, sn: FakeServiceNow, auth: str = "basic") -> Path:
    (folder / "config.toml").write_text(
        f"""
[[connectors]]
name = "snow"
type = "servicenow"
label = "ServiceNow — test"
base_url = "{sn.url}"
allow_insecure_http = true  # the fake speaks plain http
auth = "{auth}"
username = "{sn.user}"
client_id = "{sn.client_id}"
time_zone = "Europe/Amsterdam"
secret = "snow-test"
""",
        encoding="utf-8",
    )
    return folder


def test_store_a_secret_test_sync_and_export(tmp_path: Path, sn: FakeServiceNow) -> None:
    folder = workspace(tmp_path, sn, auth="oauth_password")
    created = sn.now - timedelta(minutes=30)
    held = sn.add_incident("E2E: router unreachable", created=created, state="3",
                           hold_reason="1", impact="1", urgency="1",
                           company="Acme Corp")  # fmt: skip
    late = sn.add_incident("E2E: backup failed", created=sn.now - timedelta(hours=9),
                           state="2", impact="2", urgency="1")  # fmt: skip

    missing = console(folder, "connectors", "test", "snow")
    assert missing.returncode == 1
    assert "no secret in the keyring (entry 'snow-test')" in missing.stdout

    secret = f"{sn.client_secret}:{sn.password}"
    stored = console(folder, "connectors", "set-secret", "snow", stdin=f"{secret}\n")
    assert stored.returncode == 0, stored.stderr
    assert sn.password not in (folder / "config.toml").read_text()

    tested = console(folder, "connectors", "test", "snow")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert steps_ok(tested) >= {"reachable", "authenticated", "time zone", "can read incidents",
                                "SLA data", "can write", "statuses", "priorities", "tiers",
                                "escalation", "limits"}  # fmt: skip

    synced = console(folder, "sync", "--once")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.startswith("snow: ")

    exported = console(folder, "export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    records = {r["external_id"]: r for r in json.loads(exported.stdout)}
    assert set(records) == {r["number"] for r in sn.tables["incident"].values()
                            if r["active"] == "true"}  # fmt: skip
    mine = records[held["number"]]
    assert (mine["source"], mine["client"], mine["priority"], mine["status"]) == (
        "snow", "Acme Corp", "P1", "waiting_customer")  # fmt: skip
    due = sn.sla(held["number"], "response")["planned_end_time"].replace(" ", "T")
    assert mine["response_due"].startswith(due)  # ServiceNow's task_sla, not ours
    assert mine["resolution_due"].startswith(
        sn.sla(held["number"], "resolution")["planned_end_time"].replace(" ", "T")
    )
    assert mine["response_state"] == mine["resolution_state"] == "paused"  # on hold
    overdue = records[late["number"]]  # P2: 8 hours to resolve, opened 9 hours ago
    assert (overdue["status"], overdue["resolution_state"]) == ("in_progress", "breached")
    tokens = [*sn.tokens, *sn.refresh_tokens]
    assert tokens
    assert not any(t in synced.stdout + synced.stderr + tested.stdout for t in tokens)


def test_a_wrong_password_fails_the_test_at_the_right_step(tmp_path: Path,
                                                          sn: FakeServiceNow) -> None:  # fmt: skip
    folder = workspace(tmp_path, sn)
    console(folder, "connectors", "set-secret", "snow", stdin="not-the-password\n")
    tested = console(folder, "connectors", "test", "snow")
    assert tested.returncode == 1
    assert "ok   reachable:" in tested.stdout
    assert "FAIL authenticated: snow: credentials refused (HTTP 401)" in tested.stdout
    assert "not-the-password" not in tested.stdout + tested.stderr
