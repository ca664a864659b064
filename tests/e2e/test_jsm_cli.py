"""`connectors set-secret/test`, `sync --once` and `export` against the JSM fake, run as
subprocesses with a file-backed test keyring (never the developer's). The fake runs in
this test process; the CLI talks to it over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.e2e.workspace_console import console, steps_ok
from tests.fakes.fake_jsm import TIER_FIELD, FakeJsm, seeded

pytestmark = pytest.mark.e2e
STATES = {"ok", "warning", "critical", "breached", "paused", "met"}


@pytest.fixture
def jsm() -> Iterator[FakeJsm]:
    with seeded(40) as server:
        yield server


@pytest.fixture
def workspace(tmp_path: Path, jsm: FakeJsm) -> Path:
    (tmp_path / "config.toml").write_text(
        f"""
[[connectors]]
name = "jsm"
type = "jsm"
label = "Jira Service Management — test"
base_url = "{jsm.url}"
allow_insecure_http = true  # the fake speaks plain http
email = "{jsm.email}"
secret = "jsm-test"
jql = "project = NOC"
tier_field = "{TIER_FIELD}"
""",
        encoding="utf-8",
    )
    return tmp_path


def test_store_a_secret_test_sync_and_export(workspace: Path, jsm: FakeJsm) -> None:
    created = jsm.now - timedelta(minutes=10)
    issue = jsm.add_issue("E2E: router unreachable", created=created, priority="Highest",
                          organization="Acme Corp", tier="NOC L2")  # fmt: skip
    jsm.add_issue("E2E: in another project", project="OPS")

    missing = console(workspace, "connectors", "test", "jsm")
    assert missing.returncode == 1
    assert "no secret in the keyring (entry 'jsm-test')" in missing.stdout

    stored = console(workspace, "connectors", "set-secret", "jsm", stdin=f"{jsm.token}\n")
    assert stored.returncode == 0, stored.stderr
    assert jsm.token not in (workspace / "config.toml").read_text()

    tested = console(workspace, "connectors", "test", "jsm")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert steps_ok(tested) >= {"reachable", "authenticated", "can read incidents", "can write",
                                "statuses", "status targets", "priorities", "priority targets",
                                "tiers", "limits"}  # fmt: skip

    synced = console(workspace, "sync", "--once")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.startswith("jsm: ")

    exported = console(workspace, "export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    records = {r["external_id"]: r for r in json.loads(exported.stdout)}
    open_keys = {k for k, i in jsm.issues.items()
                 if jsm.statuses[i["status"]] != "done" and i["project"] == "NOC"}  # fmt: skip
    assert set(records) == open_keys
    mine = records[issue["key"]]
    assert (mine["source"], mine["client"], mine["priority"], mine["status"], mine["tier"]) == (
        "jsm", "Acme Corp", "P1", "new", "L2")  # fmt: skip
    due = created.replace(microsecond=0)
    assert mine["response_due"].startswith((due + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"))
    assert mine["resolution_due"].startswith((due + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"))
    assert {mine["response_state"], mine["resolution_state"]} <= STATES
    assert jsm.token not in synced.stdout + synced.stderr + tested.stdout


def test_a_wrong_token_fails_the_test_at_the_right_step(workspace: Path) -> None:
    console(workspace, "connectors", "set-secret", "jsm", stdin="not-the-token\n")
    tested = console(workspace, "connectors", "test", "jsm")
    assert tested.returncode == 1
    assert "ok   reachable:" in tested.stdout
    assert "FAIL authenticated: jsm: credentials refused (HTTP 401)" in tested.stdout
    assert "not-the-token" not in tested.stdout + tested.stderr
