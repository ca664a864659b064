"""A real PostgreSQL for the team-mode tests: a private cluster per test session.

Debian's `postgresql` package (installed by `build_scripts/ensure_test_servers.sh`,
which `make test` runs) provides `initdb` and `pg_ctl` under /usr/lib/postgresql/N/bin.
The session's cluster lives in a fresh temporary folder (initdb refuses to run as root,
so as root it runs as the `postgres` user, who owns the folder), listens on a free
loopback port with its socket in that folder, trusts local connections for the role
`noc`, and is stopped and removed at the end of the session; nothing touches the
package's own cluster. Each test that asks gets a database of its own (`new_database`).
The driver is psycopg 3 (the `team` extra).

A cluster can be started with TLS (`tls=True`: `ssl=on`, a server certificate for
`localhost` and 127.0.0.1 signed by a throwaway CA made with `trustme`, as the HTTP
layer's tests do; the CA's certificate is `ca_file`) and with password authentication
(`password=…`: TCP connections must prove it with SCRAM-SHA-256, and with `tls` too
they must use TLS). The fixtures' own
administration (`new_database`) goes through the Unix socket, which trusts local users.
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
#: The role's password on the secure cluster (`pg_secure_cluster`): long and unusual, so
#: a test that searches output for it cannot find it by accident.
SECURE_PASSWORD = "Zq7-noc-db-secret-4f1e9a"
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
    tls: bool = False
    password: str = ""
    port: int = 0
    started_in: float = 0.0
    paused: bool = False  # stopped by `pause`, data kept
    _databases: int = 0

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def ca_file(self) -> Path:
        """The throwaway CA's certificate (with `tls`): what `sslrootcert=` names."""
        return self.home / "ca.pem"

    def url(self, database: str, host: str = "127.0.0.1", query: str = "") -> str:
        """The SQLAlchemy URL of `database` (no password in it, ever); `query` like
        "sslmode=verify-full&sslrootcert=/path"."""
        tail = f"?{query}" if query else ""
        return f"postgresql+psycopg://{ROLE}@{host}:{self.port}/{database}{tail}"

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
        if self.password:
            self._set_password()
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
        if self.password:
            self._require_passwords()
        if self.tls:
            options += " " + self._certificates()
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

    def _require_passwords(self) -> None:
        """Local (socket) connections trusted, TCP ones only with the role's password (and,
        with `tls`, only over TLS: `hostssl`)."""
        kind = "hostssl" if self.tls else "host"
        rules = "local all all trust\n" + "".join(
            f"{kind} all all {net} scram-sha-256\n" for net in ("127.0.0.1/32", "::1/128")
        )
        self._own(self.data / "pg_hba.conf", rules)

    def _set_password(self) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as connection:
            connection.execute(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(ROLE), sql.Literal(self.password)
                )
            )

    def _certificates(self) -> str:
        """A throwaway CA and a server certificate it signed, for `localhost` and
        127.0.0.1; the server options that use them."""
        import trustme

        ca = trustme.CA()
        issued = ca.issue_cert("localhost", "127.0.0.1")
        ca.cert_pem.write_to_path(str(self.ca_file))
        certificate, key = self.home / "server.crt", self.home / "server.key"
        self._own(certificate, b"".join(p.bytes() for p in issued.cert_chain_pems).decode())
        self._own(key, issued.private_key_pem.bytes().decode())
        return f"-c ssl=on -c ssl_cert_file={certificate} -c ssl_key_file={key}"

    def _own(self, path: Path, text: str) -> None:
        """Write a file the server reads (a key must be its user's, mode 0600)."""
        path.write_text(text, encoding="ascii")
        path.chmod(0o600)
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")

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
        """psycopg's connection string for the fixtures' own administration: through the
        Unix socket, which needs neither TLS nor the password."""
        return f"host={self.home} port={self.port} user={ROLE} dbname={database}"

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


def start_cluster(tls: bool = False, password: str = "") -> PgCluster:
    """A started cluster in a new folder under the system's temporary folder (short, so
    the socket path fits; readable by the `postgres` user, unlike pytest's folders);
    with `tls` and `password` as `PgCluster` says."""
    home = Path(tempfile.mkdtemp(prefix="noc-pg-"))
    home.chmod(0o755)
    return PgCluster(home, tls=tls, password=password).start()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
