"""`connectors set-secret/test`, `sync --once` and `export` against the Zendesk fake, run
as subprocesses with a file-backed test keyring (never the developer's). The fake runs
in this test process; the CLI talks to it over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.e2e.workspace_console import console, steps_ok
from tests.fakes.fake_zendesk import FakeZendesk
from tests.fakes.http_fake import running

pytestmark = pytest.mark.e2e


@pytest.fixture
def zd() -> Iterator[FakeZendesk]:
    fake = FakeZendesk()
    fake.seed(40)
    with running(fake) as server:
        yield server


@pytest.fixture
def workspace(tmp_path: Path, zd: FakeZendesk) -> Path:
    (tmp_path / "config.toml").write_text(
        f"""
[[connectors]]
name = "zendesk"
type = "zendesk"
label = "Zendesk — test"
base_url = "{zd.url}"
allow_insecure_http = true  # the fake speaks plain http
email = "{zd.email}"
secret = "zendesk-test"
""",
        encoding="utf-8",
    )
    return tmp_path


def test_store_a_secret_test_sync_and_export(workspace: Path, zd: FakeZendesk) -> None:
    waiting = zd.add_ticket("E2E: router unreachable", created=zd.now - timedelta(minutes=30),
                            status="pending", priority="urgent", organization_id=360)  # fmt: skip
    late = zd.add_ticket("E2E: backup failed", created=zd.now - timedelta(hours=9),
                         status="open", priority="high", organization_id=361)  # fmt: skip

    missing = console(workspace, "connectors", "test", "zendesk")
    assert missing.returncode == 1
    assert "no secret in the keyring (entry 'zendesk-test')" in missing.stdout

    stored = console(workspace, "connectors", "set-secret", "zendesk", stdin=f"{zd.api_token}\n")
    assert stored.returncode == 0, stored.stderr
    assert zd.api_token not in (workspace / "config.toml").read_text()

    tested = console(workspace, "connectors", "test", "zendesk")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert steps_ok(tested) >= {"reachable", "authenticated", "can read incidents", "SLA data",
                                "can write", "statuses", "status targets", "priorities",
                                "priority targets", "tiers", "escalation", "limits"}  # fmt: skip

    synced = console(workspace, "sync", "--once")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.startswith("zendesk: ")
    assert zd.count("GET", "/api/v2/incremental") == 0  # a first sync: no export needed

    exported = console(workspace, "export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    records = {r["external_id"]: r for r in json.loads(exported.stdout)}
    assert set(records) == {str(t["id"]) for t in zd.tickets.values()
                            if t["status"] not in ("solved", "closed")}  # fmt: skip
    mine = records[str(waiting["id"])]
    assert (mine["source"], mine["client"], mine["priority"], mine["status"]) == (
        "zendesk", "Acme Corp", "P1", "waiting_customer")  # fmt: skip
    breach = {m["metric"]: m["breach_at"] for m in zd.slas[waiting["id"]]}
    assert mine["response_due"] == breach["first_reply_time"]  # Zendesk's, not ours
    assert mine["resolution_due"] == breach["requester_wait_time"]
    assert mine["response_state"] == mine["resolution_state"] == "paused"  # pending
    overdue = records[str(late["id"])]  # high: 8 hours to resolve, opened 9 hours ago
    assert (overdue["status"], overdue["resolution_state"]) == ("in_progress", "breached")
    assert zd.api_token not in synced.stdout + synced.stderr + tested.stdout


def test_a_wrong_token_fails_the_test_at_the_right_step(workspace: Path) -> None:
    console(workspace, "connectors", "set-secret", "zendesk", stdin="not-the-token\n")
    tested = console(workspace, "connectors", "test", "zendesk")
    assert tested.returncode == 1
    assert "ok   reachable:" in tested.stdout
    assert "FAIL authenticated: zendesk: credentials refused (HTTP 401)" in tested.stdout
    assert "not-the-token" not in tested.stdout + tested.stderr
