"""`noc-console act …`: one triage action from a script, through the outbox, against a
fake PSA over real HTTP; `--wait` delivers and says what happened."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from noc_console.models.actions import ActionState
from noc_console.models.cache.store import Store
from noc_console.models.incident import Client
from tests.e2e.test_cli import console
from tests.e2e.workspace_console import rest_json_workspace
from tests.factories import incident
from tests.fakes.fake_psa import FakePsa, running

pytestmark = pytest.mark.e2e


def runner(config: Path, db: str) -> Callable[..., tuple[int, str, str]]:
    """`noc-console --config CONFIG --db DB …` as (exit code, stdout, stderr), never a
    traceback."""

    def run(*args: str) -> tuple[int, str, str]:
        done = console("--config", str(config), "--db", db, *args)
        assert "Traceback" not in done.stderr, done.stderr
        return done.returncode, done.stdout, done.stderr

    return run


def test_act_enqueues_delivers_and_names_what_went_wrong(tmp_path: Path) -> None:
    fake = FakePsa()
    fake.add(1)
    fake.add(2, status="in_progress")
    with running(fake) as psa:
        config, db = rest_json_workspace(tmp_path, psa.url)
        run = runner(config, db)

        assert run("sync", "--once")[0] == 0
        code, out, err = run("act", "ack", "psa:INC-1", "--wait", "20")
        assert code == 0, err
        action_id = out.split()[0]
        assert psa.applied[action_id] == 1
        assert f"{action_id} acknowledge: delivered" in out
        assert psa.incidents["INC-1"]["status"] == "acknowledged"

        code, out, err = run("act", "note", "psa:INC-1", "called the ISP", "--client-visible")
        assert code == 0, err
        (queued,) = json.loads(run("outbox", "list", "--format", "json")[1])
        assert queued["id"] == out.strip()
        assert queued["payload"] == {"text": "called the ISP", "internal": False}

        code, out, err = run("act", "escalate", "psa:INC-2", "l3", "--reason", "core switch",
                             "--wait")  # fmt: skip
        assert code == 0, err
        assert psa.incidents["INC-2"]["tier"] == "L3"
        code, out, err = run("act", "priority", "psa:INC-2", "P1", "--wait", "20")
        assert code == 0, err
        assert psa.incidents["INC-2"]["priority"] == "P1"

        # Someone changes the assignee in the PSA meanwhile: a conflict, named, exit 1.
        psa.touch("INC-2", assignee="zed")
        code, out, err = run("act", "take", "psa:INC-2", "--wait", "20")
        assert code == 1
        assert "IN CONFLICT (the PSA has assignee zed)" in out
        assert "not delivered" in err

        code, _out, err = run("act", "resolve", "psa:INC-1", "--note", "replaced PSU")
        assert (code, err.count("\n")) == (2, 1)
        assert "--verified" in err
        code, _out, err = run("act", "ack", "psa:INC-2")
        assert code == 1
        assert "already" in err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("ack", "psa:INC-404"), "incident psa:INC-404 is not in the cache"),
        (("ack", "INC-1"), "is not SOURCE:ID"),
        (("ack", "crm:INC-1"), "no connector named 'crm' (configured: psa)"),
        (("priority", "psa:INC-1", "P7"), "priority 'P7' is not one of P1, P2, P3, P4"),
        (("note", "psa:INC-1", "  "), "a note needs text"),
        (("escalate", "psa:INC-1", "L9", "--reason", "x"), "tier 'L9' is not one of"),
    ],
)
def test_act_refuses_bad_input_in_one_line(
    tmp_path: Path, args: tuple[str, ...], says: str
) -> None:
    fake = FakePsa()
    fake.add(1)
    with running(fake) as psa:
        config, db = rest_json_workspace(tmp_path, psa.url)
        assert console("--config", str(config), "--db", db, "sync", "--once").returncode == 0
        done = console("--config", str(config), "--db", db, "act", *args)
    assert done.returncode == 2
    assert says in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr


def test_take_assigns_my_account_in_that_psa_and_signs_with_my_name(tmp_path: Path) -> None:
    """`[me.identities]` psa = "stech": `act take` assigns stech in the PSA (not the OS
    login), the outbox row's author is `[me] name`, and taking it again says it is mine."""
    fake = FakePsa()
    fake.add(1)
    with running(fake) as psa:
        config, db = rest_json_workspace(tmp_path, psa.url)
        with config.open("a", encoding="utf-8") as file:
            file.write('[me]\nname = "Sam Tech"\n[me.identities]\npsa = "stech"\n')
        run = runner(config, db)

        assert run("sync", "--once")[0] == 0
        code, _out, err = run("act", "take", "psa:INC-1", "--wait", "20")
        assert code == 0, err
        assert psa.incidents["INC-1"]["assignee"] == "stech"
        store = Store.open(db)
        try:
            (taken,) = store.outbox()
        finally:
            store.close()
        assert (taken.action.author, taken.state) == ("Sam Tech", ActionState.DELIVERED)
        code, _out, err = run("act", "take", "psa:INC-1")
        assert (code, err.strip()) == (1, "noc-console: psa:INC-1 is already assigned to you")


def test_on_a_shared_database_act_take_goes_to_the_service_signed_with_my_name(
    tmp_path: Path, pg_url: str
) -> None:
    """Team mode: this console runs no connector (the PSA in the config is never
    contacted: nothing listens there); `act take` queues my PSA account for the
    service, and `--wait` waits for the service rather than delivering itself."""
    config, _sqlite = rest_json_workspace(tmp_path, "http://127.0.0.1:9")  # a closed port
    with config.open("a", encoding="utf-8") as file:
        file.write('[me]\nname = "Sam Tech"\n[me.identities]\npsa = "stech"\n')
    run = runner(config, pg_url)
    assert run("db", "upgrade")[0] == 0
    shared = Store.open(pg_url)
    try:
        shared.upsert_clients([Client("acme", "Acme", "Gold")])
        shared.upsert_incidents([incident(1, source="psa", external_id="INC-1")])
        code, out, err = run("act", "take", "psa:INC-1")
        assert code == 0, err
        (queued,) = shared.outbox()
        assert queued.action.id == out.strip()
        assert (queued.action.payload, queued.action.author) == ({"assignee": "stech"},
                                                                 "Sam Tech")  # fmt: skip
        assert queued.state is ActionState.PENDING
        code, out, err = run("act", "note", "psa:INC-1", "on it", "--wait", "1")
        assert code == 1
        assert "still waiting to be sent (not attempted yet)" in out
    finally:
        shared.close()
