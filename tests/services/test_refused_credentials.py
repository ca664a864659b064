"""An action the source refused on credentials goes by itself once the connector's
secret changes under a running engine (Settings, or `connectors set-secret` from
another process), over real HTTP against the Autotask fake."""

from __future__ import annotations

from pathlib import Path

from noc_console.models.actions import Action, ActionKind, ActionState, FailureKind
from noc_console.models.incident import IncidentKey
from noc_console.services.config import load_config
from noc_console.services.runtime import build_runtime, secret_store
from tests.fakes.fake_autotask import FakeAutotask
from tests.fakes.http_fake import running


def test_a_running_engine_sends_refused_actions_again_once_the_secret_changes(
    tmp_path: Path, db_url: str
) -> None:
    fake = FakeAutotask()
    ticket = fake.add_ticket("link down", status=1, priority=4)
    with running(fake) as at:
        path = tmp_path / "config.toml"
        path.write_text(at.config_toml(), encoding="utf-8")
        config = load_config(path)
        secret_store(config).set("autotask-test", at.secret)
        runtime = build_runtime(config, db_url)
        engine, store = runtime.engine, runtime.store
        try:
            engine.run_once()
            at.secret = "rotated-s3cret"  # rotated in Autotask; the console has the old one
            note = Action(IncidentKey("autotask", str(ticket["id"])), ActionKind.NOTE,
                          {"text": "called the ISP", "internal": True})  # fmt: skip
            engine.submit(note)
            engine.run_once()
            (refused,) = store.outbox(key=note.key)
            assert (refused.state, refused.failure) == (ActionState.FAILED, FailureKind.CREDENTIALS)

            engine.run_once()  # the secret did not change: nothing is sent again
            assert store.outbox(key=note.key)[0].attempts == 1

            secret_store(config).set("autotask-test", "rotated-s3cret")
            (event,) = engine.run_once()
            (sent,) = store.outbox(key=note.key)
            assert sent.state is ActionState.DELIVERED
            assert note.key in event.changes.upserted  # the board's row follows
            assert [n["title"] for n in at.notes.values()] == ["called the ISP"]
            assert event.synced is not None
            assert event.synced.ok  # the new secret syncs too
        finally:
            runtime.close()
