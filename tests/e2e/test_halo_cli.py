"""`connectors set-secret/test`, `sync --once` and `export` against the Halo fake, run as
subprocesses with a file-backed test keyring (never the developer's). The fake runs in
this test process; the CLI talks to it over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.workspace_console import console, steps_ok
from tests.fakes.fake_halo import FakeHalo
from tests.fakes.http_fake import running

pytestmark = pytest.mark.e2e
STATES = {"ok", "warning", "critical", "breached", "paused", "met"}


@pytest.fixture
def halo() -> Iterator[FakeHalo]:
    fake = FakeHalo()
    fake.seed(40)
    with running(fake) as server:
        yield server


@pytest.fixture
def workspace(tmp_path: Path, halo: FakeHalo) -> Path:
    (tmp_path / "config.toml").write_text(
        f"""
[[connectors]]
name = "halo"
type = "halo"
label = "HaloPSA — test"
base_url = "{halo.url}"
allow_insecure_http = true  # the fake speaks plain http
client_id = "{halo.client_id}"
secret = "halo-test"
requests_per_minute = 600

[connectors.mapping.status]
"Action Required" = "waiting_customer"
""",
        encoding="utf-8",
    )
    return tmp_path


def test_store_a_secret_test_sync_and_export(workspace: Path, halo: FakeHalo) -> None:
    ticket = halo.add_ticket("E2E: router unreachable", status_id=3, priority_id=1, client_id=12)

    missing = console(workspace, "connectors", "test", "halo")
    assert missing.returncode == 1
    assert "no secret in the keyring (entry 'halo-test')" in missing.stdout

    stored = console(workspace, "connectors", "set-secret", "halo", stdin=f"{halo.client_secret}\n")
    assert stored.returncode == 0, stored.stderr
    assert halo.client_secret not in (workspace / "config.toml").read_text()

    tested = console(workspace, "connectors", "test", "halo")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert steps_ok(tested) >= {"reachable", "authenticated", "can read incidents", "can write",
                                "statuses", "status targets", "priorities", "priority targets",
                                "tiers", "escalation"}  # fmt: skip

    synced = console(workspace, "sync", "--once")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.startswith("halo: ")

    exported = console(workspace, "export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    records = {r["external_id"]: r for r in json.loads(exported.stdout)}
    assert set(records) == {str(t["id"]) for t in halo.tickets.values() if t["status_id"] != 9}
    mine = records[str(ticket["id"])]
    assert (mine["source"], mine["client"], mine["priority"], mine["status"]) == (
        "halo", "Acme Corp", "P1", "waiting_customer")  # fmt: skip
    assert mine["response_due"].startswith(ticket["respondbydate"])  # Halo's, not ours
    assert mine["resolution_due"].startswith(ticket["fixbydate"])
    assert {mine["response_state"], mine["resolution_state"]} <= STATES
    tokens = list(halo.tokens)
    assert tokens
    assert not any(t in synced.stdout + synced.stderr + tested.stdout for t in tokens)


def test_a_wrong_secret_fails_the_test_at_the_right_step(workspace: Path) -> None:
    console(workspace, "connectors", "set-secret", "halo", stdin="not-the-secret\n")
    tested = console(workspace, "connectors", "test", "halo")
    assert tested.returncode == 1
    assert "ok   reachable:" in tested.stdout
    assert "FAIL authenticated: halo: Halo refused the client credentials" in tested.stdout
    assert "not-the-secret" not in tested.stdout + tested.stderr


def test_take_assigns_my_agent_by_name(workspace: Path, halo: FakeHalo) -> None:
    """`[me.identities] halo = "Chris Nguyen"`: `act take` sends that agent's agent_id."""
    agent = next(a["id"] for a in halo.agents.values() if a["name"] == "Chris Nguyen")
    ticket = halo.add_ticket("E2E: core switch down", status_id=1, priority_id=1, agent_id=1,
                             team="NOC")["id"]  # fmt: skip
    with (workspace / "config.toml").open("a", encoding="utf-8") as file:
        file.write('\n[me]\nname = "Chris N."\n[me.identities]\nhalo = "Chris Nguyen"\n')
    assert console(workspace, "connectors", "set-secret", "halo",
                   stdin=f"{halo.client_secret}\n").returncode == 0  # fmt: skip
    assert console(workspace, "sync", "--once").returncode == 0
    taken = console(workspace, "act", "take", f"halo:{ticket}", "--wait", "30")
    assert taken.returncode == 0, taken.stdout + taken.stderr
    assert halo.tickets[ticket]["agent_id"] == agent
