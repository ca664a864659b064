"""`connectors set-secret/test`, `sync --once` and `export` against a real Alertmanager
(tests/peers/alertmanager.py), run as subprocesses with a file-backed test keyring."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from tests.e2e.workspace_console import console, steps_ok
from tests.peers.alertmanager import PASSWORD, USER, AlertmanagerServer, alert

pytestmark = pytest.mark.e2e
STATES = {"ok", "warning", "critical", "breached", "paused", "met"}


@pytest.fixture
def workspace(tmp_path: Path, am_server: AlertmanagerServer) -> Path:
    (tmp_path / "config.toml").write_text(
        f"""
[[connectors]]
name = "alerts"
type = "alertmanager"
label = "Alertmanager — test"
base_url = "{am_server.url}"
allow_insecure_http = true  # the test server speaks plain http
username = "{USER}"
secret = "alertmanager-test"
silence_hours = 1

[connectors.mapping.priority]
sev1 = "P1"
""",
        encoding="utf-8",
    )
    return tmp_path


def test_store_a_secret_test_sync_and_export(workspace: Path, am_server: AlertmanagerServer
                                             ) -> None:  # fmt: skip
    am_server.fire(alert("LinkDown", "acme", "sev1", instance="r1", team="noc"),
                   alert("DiskFull", "globex", "warning", instance="fs01"),
                   alert("Bogus", "globex", "unheard-of", instance="x"))  # fmt: skip

    missing = console(workspace, "connectors", "test", "alerts")
    assert missing.returncode == 1
    assert "no secret in the keyring (entry 'alertmanager-test')" in missing.stdout

    stored = console(workspace, "connectors", "set-secret", "alerts", stdin=f"{PASSWORD}\n")
    assert stored.returncode == 0, stored.stderr
    assert PASSWORD not in (workspace / "config.toml").read_text()

    tested = console(workspace, "connectors", "test", "alerts")
    assert tested.returncode == 1, tested.stdout  # the unmapped severity is named
    assert steps_ok(tested) >= {"reachable", "authenticated", "can read incidents", "can write",
                                "labels", "statuses", "tiers"}  # fmt: skip
    assert (
        "FAIL priorities: not mapped, so their tickets are skipped: 'unheard-of'" in tested.stdout
    )

    synced = console(workspace, "sync", "--once")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.startswith("alerts: ")
    assert "unheard-of" in synced.stdout + synced.stderr  # skipped, said why, not fatal

    exported = console(workspace, "export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    records = {r["title"]: r for r in json.loads(exported.stdout)}
    assert set(records) == {"LinkDown on r1", "DiskFull on fs01"}
    link = records["LinkDown on r1"]
    assert (link["source"], link["client"], link["priority"], link["status"], link["tier"]) == (
        "alerts", "acme", "P1", "new", "L1")  # fmt: skip
    (fired,) = [a for a in am_server.alerts() if a["labels"]["alertname"] == "LinkDown"]
    assert link["external_id"] == fired["fingerprint"]
    assert _at(link["created_at"]) == _at(fired["startsAt"]).replace(microsecond=0)
    assert _at(link["response_due"]) > _at(link["created_at"])  # the client's terms: no AM SLA
    assert {link["response_state"], link["resolution_state"]} <= STATES
    assert records["DiskFull on fs01"]["priority"] == "P3"
    assert PASSWORD not in synced.stdout + synced.stderr + tested.stdout


def test_a_wrong_secret_fails_the_test_at_the_right_step(workspace: Path) -> None:
    console(workspace, "connectors", "set-secret", "alerts", stdin="not-the-secret\n")
    tested = console(workspace, "connectors", "test", "alerts")
    assert tested.returncode == 1
    assert "ok   reachable:" in tested.stdout
    assert "FAIL authenticated: alerts: credentials refused (HTTP 401)" in tested.stdout
    assert "not-the-secret" not in tested.stdout + tested.stderr


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
