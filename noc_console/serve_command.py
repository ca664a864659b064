"""`noc-console serve`: the headless sync service of a team (docs/team.md). No Qt.

Upgrades the shared database's schema first (concurrent upgrades take turns), then runs
`services/team/service.SyncServiceHost` until SIGTERM or SIGINT, which stop it cleanly:
the connectors' threads finish their cycle, the lock is released, exit 0.
Part of the command line (nothing imports it but cli.py).
"""

from __future__ import annotations

import signal
import sys
import threading
from types import FrameType

from noc_console.models.cache.database import is_shared, upgrade
from noc_console.services.config import Config
from noc_console.services.team.service import ServiceOptions, SyncServiceHost


def run_serve(config: Config, db_url: str, health_every: float) -> int:
    if not is_shared(db_url):
        print("noc-console: serve runs on a team's shared PostgreSQL: give --db "
              "postgresql+psycopg://… or [team] database", file=sys.stderr)  # fmt: skip
        return 2
    if not config.connectors:
        print(f"noc-console: serve: no [[connectors]] in {config.path or 'the config'}; "
              "the service runs the configured connectors", file=sys.stderr)  # fmt: skip
        return 2
    if health_every <= 0:
        print("noc-console: serve: --health-every must be more than 0 seconds", file=sys.stderr)
        return 2
    upgrade(db_url)
    stopping = threading.Event()

    def stop(_signal: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    SyncServiceHost(config, db_url, ServiceOptions(health_every_s=health_every)).run(stopping)
    return 0
