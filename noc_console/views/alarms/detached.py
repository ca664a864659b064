"""Fire-and-forget helper processes (sound players, notification tools).

The GUI never waits for them: a daemon thread per process collects its exit status,
so no zombie processes pile up over a shift. At exit, those still running get a
second to finish and are then stopped, so none outlives the console.
"""

from __future__ import annotations

import atexit
import subprocess
import threading
from collections.abc import Sequence

_running: set[subprocess.Popen[bytes]] = set()
_lock = threading.Lock()


def launch(argv: Sequence[str]) -> bool:
    """Start `argv` without waiting; False if it could not be started."""
    try:
        process = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
    except OSError:
        return False
    with _lock:
        _running.add(process)
    threading.Thread(target=_collect, args=(process,), daemon=True).start()
    return True


def _collect(process: subprocess.Popen[bytes]) -> None:
    process.wait()
    with _lock:
        _running.discard(process)


@atexit.register
def _stop_all() -> None:
    with _lock:
        left = list(_running)
    for process in left:
        try:
            process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
