"""`noc-console serve` against a real PostgreSQL and a fake PSA over real HTTP (issue 17,
item 1): one of two services is active; SIGKILL it while an action is in flight and
others are queued, the standby takes over and every action reaches the PSA exactly once
(counted at the fake); SIGTERM stops a service cleanly. Consoles on the shared database
never run connectors (`sync --once` points to `serve`).

Waits are on conditions with generous limits, never on speed; the takeover time is
measured and printed (run with -s to see it), not asserted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.database import upgrade
from noc_console.models.cache.store import Store
from noc_console.models.clock import SystemClock
from noc_console.models.incident import IncidentKey
from tests.fakes.fake_psa import FakePsa, running

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 120.0  # seconds: generous, for a loaded 2-core machine; never a speed claim


class Service:
    """One `noc-console serve` process (with `options` before `serve`, like `--log-level
    DEBUG`) and the log lines it wrote so far."""

    def __init__(self, workspace: Path, config: Path, db: str, *options: str) -> None:
        environment = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p
            ),
            "PYTHON_KEYRING_BACKEND": "tests.fakes.memory_keyring.FileKeyring",
            "NOC_TEST_KEYRING": str(workspace / "keyring.json"),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "noc_console", "--config", str(config), "--db", db,
             *options, "serve", "--health-every", "5"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env=environment,
        )  # fmt: skip
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        with self.process.stderr:
            for line in self.process.stderr:
                self.lines.append(line.rstrip("\n"))

    def said(self, text: str) -> bool:
        return any(text in line for line in list(self.lines))

    def log(self) -> str:
        return "\n".join(self.lines)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(LIMIT)
        self._reader.join(LIMIT)


def wait_for(condition: Callable[[], bool], what: str, limit: float = LIMIT) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"gave up after {limit:.0f} s waiting until {what}"
        time.sleep(0.05)


def workspace(folder: Path, url: str) -> Path:
    config = folder / "config.toml"
    config.write_text(
        "sync_interval_s = 2\n\n"
        f'[[connectors]]\nname = "psa"\ntype = "rest_json"\nbase_url = "{url}"\n',
        encoding="utf-8",
    )
    return config


def test_a_standby_takes_over_from_a_killed_service_and_delivers_each_action_once(
    pg_url: str, tmp_path: Path
) -> None:
    fake = FakePsa()
    for number in range(1, 6):
        fake.add(number)
    with running(fake) as psa:
        config = workspace(tmp_path, psa.url)
        upgrade(pg_url)
        first = Service(tmp_path, config, pg_url)
        second: Service | None = None
        store = Store.open(pg_url)
        try:
            wait_for(lambda: first.said("active: service"), "the first service is active")
            second = Service(tmp_path, config, pg_url)
            wait_for(lambda: second is not None and second.said("standby"),
                     "the second service stands by")  # fmt: skip
            wait_for(lambda: store.open_count() == 5, "the active service synced the PSA")
            gate = psa.hold("/incidents/INC-1/actions")
            now = SystemClock().now()
            actions = [
                Action(IncidentKey("psa", f"INC-{n}"), ActionKind.NOTE, {"text": f"note {n}"})
                for n in range(1, 6)
            ] + [Action(IncidentKey("psa", "INC-1"), ActionKind.ACKNOWLEDGE)]
            for action in actions:  # submitted by "a console": straight into the shared outbox
                store.enqueue(action, now)
            assert gate.arrived.wait(LIMIT), "the active service never delivered INC-1's note"
            first.process.send_signal(signal.SIGKILL)  # while that note is in flight
            killed_at = time.monotonic()
            first.process.wait(LIMIT)
            gate.release.set()  # the PSA applies it; the dead service never hears so
            wait_for(lambda: psa.applied[actions[0].id] == 1, "the PSA applied the held note")
            wait_for(lambda: second is not None and second.said("active: service"),
                     "the standby took over")  # fmt: skip
            takeover = time.monotonic() - killed_at
            print(f"\ntakeover after SIGKILL: {takeover:.2f} s")

            def delivered() -> bool:
                return all(q.state is ActionState.DELIVERED for q in store.outbox())

            wait_for(delivered, "every action was delivered")
            assert {a.id: psa.applied[a.id] for a in actions} == {a.id: 1 for a in actions}
            assert second.said("took over 1 action(s) in flight"), second.log()

            second.process.send_signal(signal.SIGTERM)
            assert second.process.wait(LIMIT) == 0
            second.stop()
            assert second.said("stopped"), second.log()
            assert "Traceback" not in first.log() + second.log()
        finally:
            store.close()
            first.stop()
            if second is not None:
                second.stop()


def test_commands_on_a_shared_database_never_contact_a_psa(pg_url: str, tmp_path: Path) -> None:
    fake = FakePsa()
    fake.add(1)
    with running(fake) as psa:
        config = workspace(tmp_path, psa.url)
        upgrade(pg_url)
        done = subprocess.run(
            [sys.executable, "-m", "noc_console", "--config", str(config), "--db", pg_url,
             "sync", "--once"],
            cwd=ROOT, capture_output=True, text=True, timeout=LIMIT, check=False,
        )  # fmt: skip
        assert done.returncode == 2
        assert "use `noc-console serve`" in done.stderr
        store = Store.open(pg_url)
        store.enqueue(Action(IncidentKey("psa", "INC-1"), ActionKind.ACKNOWLEDGE),
                      SystemClock().now())  # fmt: skip
        store.close()
        handover = ["handover", "--format", "html", "--out", str(tmp_path / "h.html")]
        for command in (["export", "--format", "json"], ["outbox", "list"], handover):
            done = subprocess.run(
                [sys.executable, "-m", "noc_console", "--config", str(config), "--db", pg_url,
                 *command],
                cwd=ROOT, capture_output=True, text=True, timeout=LIMIT, check=False,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr
        assert psa.requests == 0  # no PSA was contacted
