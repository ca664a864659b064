"""Opens (and so creates and migrates) a cache in a child process, for the cache tests.

    python -m tests.models.cache_opener DB_URL [--upgrade] [--kill-after N] [--pause-after N FLAG]

`--kill-after N` SIGKILLs this process right after the Nth schema statement (CREATE,
ALTER, DROP, INSERT INTO alembic_version) — a kill at a chosen point of progress, not
of time. `--pause-after N FLAG` stops there instead until the file FLAG exists.
`--upgrade` runs `noc-console db upgrade`'s migration instead of opening a store (a
shared PostgreSQL database is never migrated by opening it).
Prints `opened` and exits 0 when the cache opened.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from noc_console.models.cache.database import upgrade
from noc_console.models.cache.store import Store
from noc_console.models.errors import StoreError

SCHEMA = ("CREATE", "ALTER", "DROP", "INSERT INTO ALEMBIC_VERSION", "UPDATE ALEMBIC_VERSION")


def main(args: list[str]) -> int:
    url = args[0]
    stop_at = int(args[args.index("--kill-after") + 1]) if "--kill-after" in args else 0
    pause_at = int(args[args.index("--pause-after") + 1]) if "--pause-after" in args else 0
    flag = Path(args[args.index("--pause-after") + 2]) if pause_at else None
    seen = 0

    def after(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        nonlocal seen
        if not statement.lstrip().upper().startswith(SCHEMA):
            return
        seen += 1
        if seen == stop_at:
            os.kill(os.getpid(), signal.SIGKILL)
        if seen == pause_at and flag is not None:
            print("paused", flush=True)
            while not flag.exists():
                time.sleep(0.05)

    event.listen(Engine, "after_cursor_execute", after)
    try:
        if "--upgrade" in args:
            upgrade(url)
        else:
            Store.open(url).close()
    except StoreError as exc:
        print(f"error: {exc}", flush=True)
        return 1
    print(f"opened after {seen} schema statements", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
