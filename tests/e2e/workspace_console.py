"""Running the real `noc-console` in a workspace folder (config.toml, cache, keyring).

The subprocess gets a file-backed test keyring (`tests/fakes/memory_keyring.py`),
never the developer's, and its own cache; e2e tests of every connector use it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.fakes.full_disk import with_file_size_limit

REPO = Path(__file__).resolve().parents[2]


def steps_ok(result: subprocess.CompletedProcess[str]) -> set[str]:
    """The steps `connectors test` printed as passed (`  ok   step: detail`)."""
    return {line[7:].split(":", 1)[0] for line in result.stdout.splitlines()
            if line.startswith("  ok   ")}  # fmt: skip


def console(
    workspace: Path,
    *args: str,
    stdin: str = "",
    config: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
    file_size_limit: int | None = None,
) -> subprocess.CompletedProcess[str]:
    """`noc-console --config workspace/config.toml (or config) --db … args`; `env` adds
    to (or overrides) the environment, e.g. another keyring backend; with
    `file_size_limit`, on a disk that is full after that many bytes per file
    (`tests/fakes/full_disk.py`)."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PYTHON_KEYRING_BACKEND": "tests.fakes.memory_keyring.FileKeyring",
        "NOC_TEST_KEYRING": str(workspace / "keyring.json"),
        **(env or {}),
    }
    db = f"sqlite:///{workspace / 'cache.sqlite3'}"
    argv = [sys.executable, "-m", "noc_console", "--config",
            str(config or workspace / "config.toml"), "--db", db, *args]  # fmt: skip
    if file_size_limit is not None:
        argv = with_file_size_limit(argv, file_size_limit)
    return subprocess.run(
        argv,
        input=stdin, capture_output=True, text=True, timeout=timeout, check=False,
        env=environment,
    )  # fmt: skip


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The failure's one line on stderr (a traceback or a second line fails the test)."""
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def rest_json_workspace(folder: Path, url: str) -> tuple[Path, str]:
    """A config.toml with one `rest_json` connector named "psa" at `url`, and a cache URL
    beside it: (config path, database URL)."""
    config = folder / "config.toml"
    config.write_text(
        f'[[connectors]]\nname = "psa"\ntype = "rest_json"\nbase_url = "{url}"\n',
        encoding="utf-8",
    )
    return config, f"sqlite:///{folder / 'cache.sqlite3'}"
