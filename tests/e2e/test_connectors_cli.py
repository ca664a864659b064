"""`connectors set-secret/test/list`, `sync --once` and `export` against a real RT,
run as subprocesses with a file-backed test keyring (never the developer's)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.workspace_console import console, steps_ok
from tests.peers.request_tracker import RtServer

pytestmark = pytest.mark.e2e


@pytest.fixture
def workspace(tmp_path: Path, rt_server: RtServer) -> Path:
    rt_server.create_custom_field("Tier")  # escalation writes it: applied to every queue
    (tmp_path / "config.toml").write_text(
        f"""
[[connectors]]
name = "rt"
type = "rt"
label = "RT — test"
base_url = "{rt_server.url}"
allow_insecure_http = true  # the test RT speaks plain http
auth = "basic"
username = "root"
secret = "rt-test"
""",
        encoding="utf-8",
    )
    return tmp_path


def test_store_a_secret_test_sync_and_export(workspace: Path, rt_server: RtServer) -> None:
    ticket = rt_server.create_ticket("General", "E2E: router unreachable", Priority=100)

    missing = console(workspace, "connectors", "test", "rt")
    assert missing.returncode == 1
    assert "no secret in the keyring (entry 'rt-test')" in missing.stdout

    stored = console(workspace, "connectors", "set-secret", "rt", stdin="password\n")
    assert stored.returncode == 0, stored.stderr
    assert "password" not in (workspace / "config.toml").read_text()

    tested = console(workspace, "connectors", "test", "rt")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert steps_ok(tested) >= {"reachable", "authenticated", "can read incidents", "time zone",
                                "can write", "clients", "statuses", "priorities",
                                "escalation"}  # fmt: skip

    listed = console(workspace, "connectors", "list")
    assert "secret stored" in listed.stdout

    synced = console(workspace, "sync", "--once")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.startswith("rt: ")

    exported = console(workspace, "export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    records = {r["external_id"]: r for r in json.loads(exported.stdout)}
    mine = records[ticket]
    assert (mine["source"], mine["priority"], mine["status"]) == ("rt", "P1", "new")
    assert mine["response_due"]  # computed by our SLA engine: RT has no response due date
    assert mine["resolution_due"]
    assert mine["response_state"] in ("ok", "warning", "critical", "breached")


def test_a_wrong_secret_fails_the_test_at_the_right_step(workspace: Path) -> None:
    console(workspace, "connectors", "set-secret", "rt", stdin="not-the-password\n")
    tested = console(workspace, "connectors", "test", "rt")
    assert tested.returncode == 1
    assert "ok   reachable:" in tested.stdout
    assert "FAIL authenticated: rt: credentials refused (HTTP 401)" in tested.stdout
    assert "not-the-password" not in tested.stdout + tested.stderr


def test_an_unknown_connector_name_is_a_usage_error(workspace: Path) -> None:
    result = console(workspace, "connectors", "test", "zendesk")
    assert result.returncode == 2
    assert "no connector named 'zendesk'" in result.stderr
    assert "known: rt" in result.stderr
