"""Renders docs/images/team-*.png: a console and a wall in team mode — a private
PostgreSQL (tests/peers/postgres.py), a fake PSA, one `noc-console serve` — with the
service running, then after it stopped (the red named problem).

    PYTHONPATH=. .venv/bin/python build_scripts/team_screenshots.py [OUT_DIR]
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from noc_console.models.cache.database import upgrade
from noc_console.models.cache.store import Store
from tests.e2e.test_serve import Service, workspace
from tests.fakes.fake_psa import FakePsa, running
from tests.peers.postgres import start_cluster

ROOT = Path(__file__).resolve().parent.parent
out = Path(sys.argv[1]) if sys.argv[1:] else ROOT / "docs" / "images"
PRIORITIES = ("P1", "P2", "P3", "P4")
TITLES = ("Switch port flapping at site {n}", "VPN tunnel down at branch {n}",
          "Backup job failed on FS{n:02d}", "UPS on battery at comms room {n}")  # fmt: skip


def shot(config: Path, url: str, name: str, *extra: str) -> None:
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "noc_console", "--config", str(config), "--db", url,
               *extra, "--screenshot", str(out / name)]  # fmt: skip
    subprocess.run(command, env=environment, check=True, timeout=120, cwd=ROOT)
    print("wrote", out / name)


def main() -> None:
    cluster = start_cluster()
    fake = FakePsa(datetime.now(UTC))  # clocks running, not long breached
    for n in range(1, 40):
        fake.add(n, title=TITLES[n % 4].format(n=n), priority=PRIORITIES[n % 4],
                 created=fake.now - timedelta(minutes=4 * n))  # fmt: skip
    try:
        with running(fake) as psa, tempfile.TemporaryDirectory() as folder:
            url = cluster.url("postgres")
            upgrade(url)
            config = workspace(Path(folder), psa.url)
            service = Service(Path(folder), config, url)
            store = Store.open(url)
            try:
                while not store.sync_state("psa").last_success_at:
                    time.sleep(0.2)
                shot(config, url, "team-board.png")
                service.process.send_signal(signal.SIGTERM)
                service.process.wait(60)
                shot(config, url, "team-wall-service-stopped-1080p.png", "--wall")
            finally:
                service.stop()
                store.close()
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
