"""`connectors set-secret/test`, `sync --once` and `export` against the Autotask fake,
running in this process, with the CLI as a subprocess talking to it over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.workspace_console import console, steps_ok
from tests.fakes.fake_autotask import FakeAutotask
from tests.fakes.http_fake import running

pytestmark = pytest.mark.e2e


@pytest.fixture
def at() -> Iterator[FakeAutotask]:
    fake = FakeAutotask()  # with a queue for each tier, as the default mapping names them
    fake.picklists["queueID"] |= {29683482: "Level II", 29683483: "Level III",
                                  29683484: "Engineering"}  # fmt: skip
    with running(fake) as server:
        yield server


@pytest.fixture
def workspace(tmp_path: Path, at: FakeAutotask) -> Path:
    (tmp_path / "config.toml").write_text(at.config_toml(), encoding="utf-8")
    return tmp_path


def test_store_a_secret_test_sync_and_export(workspace: Path, at: FakeAutotask) -> None:
    urgent = at.add_ticket("E2E: router unreachable", status=1, priority=4)
    waiting = at.add_ticket("E2E: printer jam", status=7, priority=3, companyID=176)

    stored = console(workspace, "connectors", "set-secret", "autotask", stdin=f"{at.secret}\n")
    assert stored.returncode == 0, stored.stderr
    assert at.secret not in (workspace / "config.toml").read_text()

    tested = console(workspace, "connectors", "test", "autotask")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert steps_ok(tested) >= {"reachable", "authenticated", "can read incidents", "statuses",
                                "status targets", "priorities", "priority targets",
                                "escalation", "limits"}  # fmt: skip
    assert "of 10,000 requests used this hour" in tested.stdout

    synced = console(workspace, "sync", "--once")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.startswith("autotask: ")

    exported = console(workspace, "export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    records = {r["external_id"]: r for r in json.loads(exported.stdout)}
    hot, calm = records[str(urgent["id"])], records[str(waiting["id"])]
    assert (hot["source"], hot["priority"], hot["status"]) == ("autotask", "P1", "new")
    assert hot["client"] == "Acme Corp"
    assert hot["response_due"].startswith(urgent["firstResponseDueDateTime"][:19])
    assert hot["resolution_due"].startswith(urgent["resolvedDueDateTime"][:19])
    assert hot["response_state"] in ("ok", "warning", "critical", "breached", "paused", "met")
    assert (calm["status"], calm["priority"], calm["client"]) == (
        "waiting_customer",
        "P4",
        "Initech LLC",
    )


def test_a_wrong_secret_fails_the_test_at_the_right_step(workspace: Path) -> None:
    console(workspace, "connectors", "set-secret", "autotask", stdin="not-the-secret\n")
    tested = console(workspace, "connectors", "test", "autotask")
    assert tested.returncode == 1
    assert "ok   reachable:" in tested.stdout
    assert "FAIL authenticated: autotask: credentials refused (HTTP 401)" in tested.stdout
    assert "not-the-secret" not in tested.stdout + tested.stderr


def test_an_action_refused_on_credentials_goes_by_itself_once_the_secret_is_fixed(
    workspace: Path, at: FakeAutotask
) -> None:
    """The API user's secret is rotated in Autotask: a note fails on credentials, and
    storing the new secret is all it takes — the next sync delivers it. A note the PSA
    refused for what it says (400) is not retried by itself."""
    down = at.add_ticket("E2E: link down", status=1, priority=4)
    full = at.add_ticket("E2E: disk full", status=1, priority=3)
    assert console(workspace, "connectors", "set-secret", "autotask",
                   stdin=f"{at.secret}\n").returncode == 0  # fmt: skip
    assert console(workspace, "sync", "--once").returncode == 0

    at.inject("400", f"/zone{at.zone}/ATServicesRest/v1.0/Tickets/{full['id']}/Notes",
              body={"errors": ["Description is too long."]})  # fmt: skip
    rejected = console(workspace, "act", "note", f"autotask:{full['id']}", "disk at 99%",
                       "--wait", "20")  # fmt: skip
    assert rejected.returncode == 1, rejected.stdout + rejected.stderr
    at.secret = "rotated-s3cret"  # someone rotates the API user's secret in Autotask
    refused = console(workspace, "act", "note", f"autotask:{down['id']}", "called the ISP",
                      "--wait", "20")  # fmt: skip
    assert refused.returncode == 1
    assert "credentials refused" in refused.stdout

    stored = console(workspace, "connectors", "set-secret", "autotask", stdin="rotated-s3cret\n")
    assert stored.returncode == 0, stored.stderr
    assert "1 action refused on credentials will be sent again" in stored.stdout
    synced = console(workspace, "sync", "--once")
    assert synced.returncode == 1  # the note refused for what it says still needs a person
    assert "failed note on autotask:" + str(full["id"]) in synced.stderr

    listed = json.loads(console(workspace, "outbox", "list", "--format", "json").stdout)
    assert {r["payload"]["text"]: r["state"] for r in listed} == {"disk at 99%": "failed"}
    delivered = [n["title"] for n in at.notes.values() if n["ticketID"] == down["id"]]
    assert delivered == ["called the ISP"]  # once


def test_take_assigns_my_resource_by_its_user_name(workspace: Path, at: FakeAutotask) -> None:
    """`[me.identities] autotask = "cnguyen"`: `act take` sets the ticket's
    assignedResourceID to that resource's id (with its service-desk role)."""
    ticket = at.add_ticket("E2E: core switch down", status=1, priority=4)
    with (workspace / "config.toml").open("a", encoding="utf-8") as file:
        file.write('\n[me]\nname = "Chris N."\n[me.identities]\nautotask = "cnguyen"\n')
    assert console(workspace, "connectors", "set-secret", "autotask",
                   stdin=f"{at.secret}\n").returncode == 0  # fmt: skip
    assert console(workspace, "sync", "--once").returncode == 0
    taken = console(workspace, "act", "take", f"autotask:{ticket['id']}", "--wait", "30")
    assert taken.returncode == 0, taken.stdout + taken.stderr
    after = at.tickets[ticket["id"]]
    assert (after["assignedResourceID"], after["assignedResourceRoleID"]) == (29682902, 29682885)
