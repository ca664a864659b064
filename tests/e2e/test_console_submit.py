"""A team console's actions, end to end (issue 17, items 4 and 6): the console keeps
each on its desk and hands it to the shared outbox — it writes no incident row — and
the active `noc-console serve` lays it over the incident at once (every console sees
the row change) and delivers it, once, counted at the fake PSA."""

from __future__ import annotations

from pathlib import Path

from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.database import upgrade
from noc_console.models.incident import IncidentKey, Status
from noc_console.services.config import parse_config
from noc_console.services.runtime import build_runtime
from tests.e2e.test_serve import LIMIT, Service, wait_for, workspace
from tests.fakes.fake_psa import FakePsa, running


def test_the_service_lays_a_consoles_action_over_the_incident_and_delivers_it_once(
    pg_url: str, tmp_path: Path
) -> None:
    fake = FakePsa()
    for number in (1, 2):
        fake.add(number)
    with running(fake) as psa:
        config = workspace(tmp_path, psa.url)
        upgrade(pg_url)
        service = Service(tmp_path, config, pg_url)
        console = build_runtime(parse_config("", "config.toml"), pg_url, desk=tmp_path)
        try:
            wait_for(lambda: console.store.open_count() == 2, "the service synced the PSA")
            console.engine.start()  # the desk spool's drain
            gate = psa.hold("/incidents/INC-1/actions")
            key = IncidentKey("psa", "INC-1")
            actions = [
                Action(key, ActionKind.ACKNOWLEDGE),
                Action(key, ActionKind.NOTE, {"text": "on it"}),
                Action(IncidentKey("psa", "INC-2"), ActionKind.ACKNOWLEDGE),
            ]
            for action in actions:
                assert not console.engine.submit(action)  # the console changed no row
            assert gate.arrived.wait(LIMIT), "the service never delivered INC-1's acknowledgement"

            def laid_over() -> bool:
                return console.store.rows([key])[0].status is Status.ACKNOWLEDGED

            wait_for(laid_over, "the service laid the pending acknowledgement over INC-1")
            assert psa.applied[actions[0].id] == 0  # still held at the PSA: not delivered yet
            gate.release.set()

            def delivered() -> bool:
                return all(q.state is ActionState.DELIVERED for q in console.store.outbox())

            wait_for(delivered, "every action was delivered")
            assert {a.id: psa.applied[a.id] for a in actions} == {a.id: 1 for a in actions}
            assert "Traceback" not in service.log()
        finally:
            console.close()
            service.stop()
