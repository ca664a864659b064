"""`connectors set-secret/test`, `sync --once` and `export` against the ConnectWise fake,
run in this test process, with the console as a subprocess talking to it over HTTP and
a file-backed test keyring (never the developer's)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.workspace_console import console
from tests.fakes.fake_connectwise import FakeConnectWise
from tests.fakes.http_fake import running

pytestmark = pytest.mark.e2e


@pytest.fixture
def cw() -> Iterator[FakeConnectWise]:
    fake = FakeConnectWise()
    fake.seed(60)
    with running(fake) as server:
        yield server


@pytest.fixture
def workspace(tmp_path: Path, cw: FakeConnectWise) -> Path:
    (tmp_path / "config.toml").write_text(
        f"""
[[connectors]]
name = "cw"
type = "connectwise"
label = "ConnectWise — test"
base_url = "{cw.url}"
allow_insecure_http = true  # the fake speaks plain http
company = "{cw.company}"
public_key = "{cw.public_key}"
client_id = "{cw.client_id}"
secret = "cw-test"
page_size = 25

[connectors.mapping.status]
"Dispatched" = "acknowledged"
""",
        encoding="utf-8",
    )
    return tmp_path


def test_store_a_secret_test_sync_and_export(workspace: Path, cw: FakeConnectWise) -> None:
    board = cw.add_board("Network Ops", [("Dispatched", False), ("Fixed", True)])
    tenant = cw.add_ticket("E2E: router unreachable", board=board["id"], priority=1,
                           status=cw.status_id(board["id"], "Dispatched"))  # fmt: skip

    stored = console(workspace, "connectors", "set-secret", "cw", stdin=f"{cw.private_key}\n")
    assert stored.returncode == 0, stored.stderr
    assert cw.private_key not in (workspace / "config.toml").read_text()

    tested = console(workspace, "connectors", "test", "cw")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    for step in ("reachable", "authenticated", "can read incidents", "mapping", "limits"):
        assert f"ok   {step}:" in tested.stdout

    synced = console(workspace, "sync", "--once")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.startswith("cw: ")
    assert cw.count("GET", "/v2025_1/apis/3.0/service/tickets") >= 3  # pages of 25

    exported = console(workspace, "export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    records = {r["external_id"]: r for r in json.loads(exported.stdout) if r["source"] == "cw"}
    open_tickets = {str(i) for i, t in cw.tickets.items() if not t["closedFlag"]}
    assert set(records) == open_tickets
    mine = records[str(tenant["id"])]
    assert (mine["priority"], mine["status"], mine["tier"]) == ("P1", "acknowledged", "L1")
    assert mine["response_due"]  # computed by our SLA engine: ConnectWise has no due dates
    assert mine["resolution_due"]
    assert mine["response_state"] in ("ok", "warning", "critical", "breached", "met")


def test_a_wrong_private_key_is_credentials_refused_not_not_found(
    workspace: Path, cw: FakeConnectWise
) -> None:
    console(workspace, "connectors", "set-secret", "cw", stdin="not-the-key\n")
    tested = console(workspace, "connectors", "test", "cw")
    assert tested.returncode == 1
    assert "ok   reachable:" in tested.stdout
    assert "FAIL authenticated: cw: credentials refused" in tested.stdout
    assert "not-the-key" not in tested.stdout + tested.stderr
    synced = console(workspace, "sync", "--once")
    assert synced.returncode != 0
    assert "credentials refused" in synced.stdout + synced.stderr
