"""Running the real `noc-console` in a workspace folder (config.toml, cache, keyring).

The subprocess gets a file-backed test keyring (`tests/fakes/memory_keyring.py`),
never the developer's, and its own cache; e2e tests of every connector use it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.full_disk import with_file_size_limit

REPO = Path(__file__).resolve().parents[2]


def steps_ok(result: subprocess.CompletedProcess[str]) -> set[str]:
    """The steps `connectors test` printed as passed (`  ok   step: detail`)."""
    return {line[7:].split(":", 1)[0] for line in result.stdout.splitlines()
            if line.startswith("  ok   ")}  # fmt: skip


def console(
    workspace: Path, *args: str, stdin: str = "", file_size_limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    """`noc-console --config … --db … ARGS`; with `file_size_limit`, on a disk that is
    full after that many bytes per file (`tests/fakes/full_disk.py`)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PYTHON_KEYRING_BACKEND": "tests.fakes.memory_keyring.FileKeyring",
        "NOC_TEST_KEYRING": str(workspace / "keyring.json"),
    }
    db = f"sqlite:///{workspace / 'cache.sqlite3'}"
    argv = [sys.executable, "-m", "noc_console", "--config", str(workspace / "config.toml"),
            "--db", db, *args]  # fmt: skip
    if file_size_limit is not None:
        argv = with_file_size_limit(argv, file_size_limit)
    return subprocess.run(
        argv,
        input=stdin, capture_output=True, text=True, timeout=120, check=False, env=env,
    )  # fmt: skip
