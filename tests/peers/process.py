"""What every real test server shares: a free loopback port, and stopping its process."""

from __future__ import annotations

import socket
import subprocess


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def terminate(process: subprocess.Popen[bytes] | None, timeout: float = 10) -> None:
    """Ask the server to stop; kill it if it will not within `timeout` seconds."""
    if process is None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
