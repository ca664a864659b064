"""SIGKILL during sync and delivery, many times: the cache stays whole, no accepted
action is lost, none is delivered twice."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakes.fake_psa import FakePsa, running

KILLS = 50
ROOT = Path(__file__).resolve().parents[2]


def worker(db: Path, psa: FakePsa, seed: int, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.crash_worker", f"sqlite:///{db}", psa.url, str(seed),
         *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def outbox(db: Path) -> dict[str, tuple[str, int]]:
    with sqlite3.connect(db) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
        if "outbox" not in tables:  # killed before the first migration committed (~0.6 s in)
            return {}
        return {
            action_id: (state, in_flight)
            for action_id, state, in_flight in connection.execute(
                "SELECT id, state, in_flight FROM outbox"
            )
        }


@pytest.mark.e2e
def test_kill_minus_nine_loses_nothing_and_duplicates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "cache.sqlite3"
    fake = FakePsa()
    for number in range(1, 21):
        fake.add(number)
    rng = random.Random(2026)
    accepted: set[str] = set()
    in_flight_at_kill = 0
    with running(fake) as psa:
        for kill in range(KILLS):
            fake.post_delay = rng.choice([0.0, 0.01, 0.05])  # widen the in-flight window
            process = worker(db, psa, seed=kill)
            time.sleep(rng.uniform(0.6, 1.6))
            process.kill()
            stdout, stderr = process.communicate(timeout=30)
            assert "Traceback" not in stderr, stderr
            accepted |= {
                line.split()[1] for line in stdout.splitlines() if line.startswith("accepted ")
            }
            with sqlite3.connect(db) as connection:
                assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            queued = outbox(db)
            missing = accepted - queued.keys()
            assert not missing, f"kill {kill}: accepted actions lost: {missing}"
            in_flight_at_kill += sum(flag for _state, flag in queued.values())
            with fake.lock:
                assert max(fake.applied.values(), default=0) <= 1, f"kill {kill}: duplicate"
        drained = worker(db, psa, 0, "--drain")
        _out, err = drained.communicate(timeout=120)
        assert drained.returncode == 0, err
    final = outbox(db)
    undelivered = {a for a in accepted if final[a][0] != "delivered"}
    assert not undelivered
    with fake.lock:
        duplicates = sum(1 for a in accepted if fake.applied[a] != 1)
    assert duplicates == 0
    report = {"kills": KILLS, "actions": len(accepted), "in_flight_at_kill": in_flight_at_kill,
              "lost": 0, "duplicates": duplicates}  # fmt: skip
    (tmp_path / "crash_report.json").write_text(json.dumps(report))
    print("crash safety:", json.dumps(report))
    assert len(accepted) > 100
