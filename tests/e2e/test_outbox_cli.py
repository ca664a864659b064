"""`noc-console outbox list | retry | discard` and the exit code of `sync --once` when
actions are stuck: a failed or conflicting action holds back its incident's later
actions, so the command line must show it and let someone decide."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from noc_console.models.actions import Action, ActionKind
from noc_console.models.cache.store import Store
from noc_console.models.clock import SystemClock
from noc_console.models.incident import IncidentKey
from tests.e2e.test_cli import console
from tests.e2e.workspace_console import rest_json_workspace
from tests.fakes.fake_psa import FakePsa, running

pytestmark = pytest.mark.e2e


def test_stuck_actions_are_listed_retried_and_discarded(tmp_path: Path) -> None:
    fake = FakePsa()
    fake.add(1)
    fake.add(2)
    with running(fake) as psa:
        config, db = rest_json_workspace(tmp_path, psa.url)

        def run(*args: str) -> tuple[int, str, str]:
            done = console("--config", str(config), "--db", db, *args)
            assert "Traceback" not in done.stderr, done.stderr
            return done.returncode, done.stdout, done.stderr

        assert run("sync", "--once")[0] == 0
        store = Store.open(db)
        note = Action(IncidentKey("psa", "INC-1"), ActionKind.NOTE, {"text": "called the ISP"})
        clash = Action(IncidentKey("psa", "INC-2"), ActionKind.ASSIGN, {"assignee": "Ann"},
                       expected={"assignee": "Zed"})  # fmt: skip
        later = Action(IncidentKey("psa", "INC-2"), ActionKind.ACKNOWLEDGE)
        for action in (note, clash, later):
            store.enqueue(action, SystemClock().now())
        store.close()
        psa.inject("422", "/incidents/INC-1/actions", body={"error": "note \x1b[31mrefused"})

        code, _out, err = run("sync", "--once")
        assert code == 1
        assert "2 action(s) failed or in conflict" in err
        assert "failed note on psa:INC-1" in err
        assert "conflict assign on psa:INC-2" in err
        assert "\x1b" not in err  # the vendor's text cannot drive the terminal
        assert psa.applied[later.id] == 0  # held back behind the conflict

        code, out, _err = run("outbox", "list", "--format", "json")
        assert code == 0
        listed = {r["id"]: r for r in json.loads(out)}
        assert {r["state"] for r in listed.values()} == {"failed", "conflict", "pending"}
        assert listed[clash.id]["theirs"] == {"assignee": None}
        code, out, _err = run("outbox", "list")
        assert code == 0
        assert "failed" in out
        assert "conflict" in out
        assert "psa:INC-2" in out

        assert run("outbox", "retry", str(listed[note.id]["seq"]))[0] == 0
        code, _out, err = run("outbox", "discard", clash.id[:8])
        assert code == 0, err
        code, _out, err = run("sync", "--once")
        assert code == 0, err
        assert psa.applied[note.id] == 1
        assert psa.applied[clash.id] == 0  # discarded: the source's value stands
        assert psa.applied[later.id] == 1  # no longer held back

        code, out, _err = run("outbox", "list")
        assert code == 0
        assert "the outbox is empty" in out
        code, _out, err = run("outbox", "retry", "9999")
        assert code == 2
        assert "not in the outbox" in err
        code, _out, err = run("outbox", "retry", str(listed[note.id]["seq"]))
        assert code == 1
        assert "it was delivered" in err


def test_an_id_that_starts_with_digits_is_found_by_its_prefix(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    from noc_console.models.actions import ActionState
    from noc_console.outbox_commands import run_outbox_command

    action = Action(IncidentKey("psa", "INC-1"), ActionKind.NOTE, {"text": "x"},
                    id="12345678" + "a" * 24)  # fmt: skip
    seq, _ = store.enqueue(action, SystemClock().now())
    store.mark_failed(seq, "refused", retryable=False)
    assert run_outbox_command(store, SystemClock(), "retry", "12345678", "text") == 0
    (queued,) = store.outbox(key=action.key)
    assert queued.state is ActionState.PENDING
    assert f"outbox #{seq}" in capsys.readouterr().out


def test_an_id_of_digits_from_another_script_is_not_found_in_one_line(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    """'²' and '٣' are digits to Python's isdigit and refused by int(): no traceback."""
    from noc_console.outbox_commands import run_outbox_command

    store.enqueue(Action(IncidentKey("psa", "INC-1"), ActionKind.NOTE, {"text": "x"}),
                  SystemClock().now())  # fmt: skip
    for ident in ("²", "٣"):
        assert run_outbox_command(store, SystemClock(), "retry", ident, "text") != 0
        assert f"outbox action {ident!r} is not in the outbox" in capsys.readouterr().err
