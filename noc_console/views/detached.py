"""Fire-and-forget helper processes (sound players, notification tools).

The GUI never waits for them; finished ones are reaped on the next launch, so no
zombie processes pile up over a shift and Python never warns about a process object
collected while it still ran.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

_running: list[subprocess.Popen[bytes]] = []


def launch(argv: Sequence[str]) -> bool:
    """Start `argv` without waiting; False if it could not be started."""
    _running[:] = [p for p in _running if p.poll() is None]
    try:
        process = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
    except OSError:
        return False
    _running.append(process)
    return True
