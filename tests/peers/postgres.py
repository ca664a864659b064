"""A real PostgreSQL for the team-mode tests: a private cluster per test session.

Debian's `postgresql` package (installed by `build_scripts/ensure_test_servers.sh`,
which `make test` runs) provides `initdb` and `pg_ctl` under /usr/lib/postgresql/N/bin.
The session's cluster lives in a fresh temporary folder (initdb refuses to run as root,
so as root it runs as the `postgres` user, who owns the folder), listens on a free
loopback port with its socket in that folder, trusts local connections for the role
`noc`, and is stopped and removed at the end of the session; nothing touches the
package's own cluster. Each test that asks gets a database of its own (`new_database`).
The driver is psycopg 3 (the `team` extra).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROLE = "noc"
_BIN_ROOT = Path("/usr/lib/postgresql")


def bin_dir() -> Path | None:
    """The newest installed PostgreSQL's binaries, or None."""
    found = sorted(
        (p for p in _BIN_ROOT.glob("*/bin") if (p / "initdb").exists() and (p / "pg_ctl").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    return found[-1] if found else None


def missing() -> str:
    """Why PostgreSQL cannot run here, or "" when it can."""
    if bin_dir() is None:
        return (
            f"PostgreSQL is not installed (no initdb/pg_ctl under {_BIN_ROOT}/*/bin); "
            "build_scripts/ensure_test_servers.sh installs it (needs root and apt)"
        )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed: pip install -e '.[test]' (the `team` extra)"
    return ""


@dataclass
class PgCluster:
    """One running cluster; `url(name)` is the SQLAlchemy URL of one of its databases."""

    home: Path
    port: int = 0
    started_in: float = 0.0
    paused: bool = False  # stopped by `pause`, data kept
    _databases: int = 0

    @property
    def data(self) -> Path:
        return self.home / "data"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{ROLE}@127.0.0.1:{self.port}/{database}"

    def start(self) -> PgCluster:
        began = time.perf_counter()
        binaries = bin_dir()
        assert binaries is not None
        self.port = _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.home, "postgres", "postgres")
        self._run(str(binaries / "initdb"), "-D", str(self.data), "-A", "trust", "-U", ROLE,
                  "-E", "UTF8", "--no-locale", "--no-sync")  # fmt: skip
        self.resume()
        self.started_in = time.perf_counter() - began
        return self

    def resume(self) -> None:
        """Start the server (again) on its port: a database that comes back."""
        binaries = bin_dir()
        assert binaries is not None
        options = (
            f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=200"
        )
        self._run(str(binaries / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.home / "server.log"), "-w", "-t", "60", "start")  # fmt: skip
        self.paused = False

    def pause(self) -> None:
        """Stop the server, keeping its data: a database that went away (its clients'
        connections end)."""
        binaries = bin_dir()
        assert binaries is not None
        self._run(str(binaries / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.paused = True

    def stop(self) -> None:
        binaries = bin_dir()
        if binaries is not None and self.data.exists():
            self._run(str(binaries / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                      "-w", "stop", check=False)  # fmt: skip
        shutil.rmtree(self.home, ignore_errors=True)

    def new_database(self, prefix: str = "t") -> str:
        """A new, empty database; its URL."""
        import psycopg

        self._databases += 1
        name = f"{prefix}{os.getpid()}_{self._databases}"
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def dsn(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user={ROLE} dbname={database}"

    def _run(self, *argv: str, check: bool = True) -> None:
        command = list(argv)
        if os.geteuid() == 0:  # initdb and the server refuse root
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if check and done.returncode != 0:
            log = self.home / "server.log"
            raise RuntimeError(
                f"{argv[0]} failed: {done.stderr or done.stdout}"
                + (log.read_text() if log.exists() else "")
            )


def plain_dsn(url: str) -> str:
    """psycopg's own URL for an SQLAlchemy `postgresql+psycopg://` one."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def start_cluster() -> PgCluster:
    """A started cluster in a new folder under the system's temporary folder (short, so
    the socket path fits; readable by the `postgres` user, unlike pytest's folders)."""
    home = Path(tempfile.mkdtemp(prefix="noc-pg-"))
    home.chmod(0o755)
    return PgCluster(home).start()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
