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
    (tmp_path / "config.toml").write_text(
        f"""
[[connectors]]
name = "autotask"
type = "autotask"
label = "Autotask — test"
base_url = "{at.url}/atservicesrest/v1.0"
allow_insecure_http = true  # the fake speaks plain http
username = "{at.username}"
integration_code = "{at.integration_code}"
secret = "autotask-test"
page_size = 500
""",
        encoding="utf-8",
    )
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
