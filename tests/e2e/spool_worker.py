"""A team console that keeps actions on its desk and drains them until killed; used by
test_lost_database.

    python -m tests.e2e.spool_worker DB_URL DESK_FOLDER COUNT

Builds the runtime as the GUI does (a desk spool in DESK_FOLDER), submits COUNT
acknowledgements `spooled-0000`… before the drain starts, prints `kept COUNT`, then
starts the engine (the drain) and waits to be killed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from noc_console.models.actions import Action, ActionKind
from noc_console.models.incident import IncidentKey
from noc_console.services.config import parse_config
from noc_console.services.runtime import build_runtime


def action_id(number: int) -> str:
    return f"spooled-{number:04d}"


def main(db_url: str, desk: Path, count: int) -> int:
    runtime = build_runtime(parse_config("", "config.toml"), db_url, desk=desk)
    for number in range(count):
        key = IncidentKey("psa", f"INC-{number % 7}")
        runtime.engine.submit(Action(key, ActionKind.ACKNOWLEDGE, id=action_id(number)))
    print(f"kept {count}", flush=True)
    runtime.engine.start()
    while True:
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])))
