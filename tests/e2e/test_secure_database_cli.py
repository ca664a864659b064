"""The real `noc-console` on a shared PostgreSQL that speaks only TLS and wants a password
(issue 17, item 6): `db set-password` keeps it in the keyring, then `db upgrade`, a
console's `export` and `serve` log in over `sslmode=verify-full` with it; `.pgpass`
works as well; a wrong CA or host name fails in one line; a password in the config file
or on the command line is refused; and no output, at DEBUG, ever shows the password.
"""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pytest
import trustme

from tests.e2e.test_serve import LIMIT, Service, wait_for, workspace
from tests.e2e.workspace_console import console, one_error_line
from tests.fakes.fake_psa import FakePsa, running
from tests.peers.postgres import ROLE, SECURE_PASSWORD, PgCluster

pytestmark = pytest.mark.e2e

DEBUG = ("--log-level", "DEBUG")


@pytest.fixture(autouse=True)
def no_pgpass(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """libpq in the subprocesses finds no password but the one a test gives."""
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    monkeypatch.delenv("PGPASSWORD", raising=False)


@pytest.fixture
def secure_url(pg_secure_cluster: PgCluster) -> str:
    """A new database on the TLS cluster, by the name its certificate holds, verified."""
    name = pg_secure_cluster.new_database("e").rsplit("/", 1)[1]
    query = f"sslmode=verify-full&sslrootcert={pg_secure_cluster.ca_file}"
    return pg_secure_cluster.url(name, "localhost", query)


def quiet(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    """The result, once checked for the password and for tracebacks."""
    output = result.stdout + result.stderr
    assert SECURE_PASSWORD not in output
    assert "Traceback" not in output, output
    return result


def the_error(result: subprocess.CompletedProcess[str]) -> str:
    """The one error line of a run at DEBUG (its log lines aside)."""
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("noc-console:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def test_a_password_set_in_the_keyring_lets_upgrade_export_and_serve_log_in_over_tls(
    secure_url: str, tmp_path: Path
) -> None:
    fake = FakePsa()
    fake.add(1)
    with running(fake) as psa:
        workspace(tmp_path, psa.url)
        refused = quiet(console(tmp_path, *DEBUG, "--db", secure_url, "db", "upgrade"))
        assert "no password supplied" in the_error(refused)
        stored = quiet(
            console(tmp_path, "--db", secure_url, "db", "set-password", stdin=SECURE_PASSWORD)
        )
        assert stored.returncode == 0, stored.stderr
        assert "logged in with it" in stored.stdout
        entries = json.loads((tmp_path / "keyring.json").read_text())
        login = secure_url.split("?")[0].replace("postgresql+psycopg", "postgresql")
        assert entries == {f"noc-console/database {login}": SECURE_PASSWORD}
        upgraded = quiet(console(tmp_path, *DEBUG, "--db", secure_url, "db", "upgrade"))
        assert upgraded.returncode == 0, upgraded.stderr
        assert upgraded.stdout.startswith("schema none → ")
        service = Service(tmp_path, tmp_path / "config.toml", secure_url, *DEBUG)
        try:
            wait_for(lambda: service.said("active: service"), "the service is active")
            wait_for(lambda: any(" s ago" in line for line in service.lines if "health:" in line),
                     "the service synced the PSA")  # fmt: skip
            done = quiet(console(tmp_path, *DEBUG, "--db", secure_url, "export",
                                 "--format", "json"))  # fmt: skip
            assert done.returncode == 0, done.stderr
            assert [r["external_id"] for r in json.loads(done.stdout)] == ["INC-1"]
            service.process.send_signal(signal.SIGTERM)
            assert service.process.wait(LIMIT) == 0
        finally:
            service.stop()
        assert SECURE_PASSWORD not in service.log()
        assert not service.said("change feed"), service.log()  # it listened, logged in too
        assert psa.requests > 0  # the service, not the console, asked the PSA


def test_libpq_pgpass_is_used_when_the_keyring_holds_no_password(
    secure_url: str, pg_secure_cluster: PgCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"localhost:{pg_secure_cluster.port}:*:{ROLE}:{SECURE_PASSWORD}\n")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    (tmp_path / "config.toml").write_text("")
    done = quiet(console(tmp_path, *DEBUG, "--db", secure_url, "db", "upgrade"))
    assert done.returncode == 0, done.stderr


def keyring_with_password(folder: Path, url: str) -> None:
    (folder / "config.toml").write_text("")
    stored = quiet(console(folder, "--db", url, "db", "set-password", stdin=SECURE_PASSWORD))
    assert stored.returncode == 0, stored.stderr


def test_a_server_certificate_no_trusted_ca_signed_fails_in_one_line(
    secure_url: str, tmp_path: Path
) -> None:
    keyring_with_password(tmp_path, secure_url)
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    wrong = secure_url.split("sslrootcert=")[0] + f"sslrootcert={other}"
    line = one_error_line(quiet(console(tmp_path, "--db", wrong, "db", "upgrade")))
    assert "certificate verify failed" in line
    assert the_error(quiet(console(tmp_path, *DEBUG, "--db", wrong, "db", "upgrade"))) == line
    assert "set sslrootcert=PATH to the CA certificate that signed it" in line


def test_a_host_name_the_certificate_does_not_hold_fails_in_one_line(
    secure_url: str, tmp_path: Path
) -> None:
    keyring_with_password(tmp_path, secure_url)
    elsewhere = secure_url.replace("@localhost:", "@db.wrong.example:") + "&hostaddr=127.0.0.1"
    (tmp_path / "config.toml").write_text("")
    line = the_error(quiet(console(tmp_path, *DEBUG, "--db", elsewhere, "outbox", "list")))
    assert 'does not match host name "db.wrong.example"' in line


def test_a_password_in_the_config_file_is_refused_naming_file_and_key(
    secure_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    with_password = secure_url.replace(f"{ROLE}@", f"{ROLE}:{SECURE_PASSWORD}@")
    config.write_text(f'[team]\ndatabase = "{with_password}"\n')
    line = one_error_line(quiet(console(tmp_path, "outbox", "list")))
    assert line.startswith(f"noc-console: {config}: team.database: holds a password")
    assert "db set-password" in line


def test_a_password_on_the_command_line_is_refused(secure_url: str, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("")
    with_password = secure_url.replace(f"{ROLE}@", f"{ROLE}:{SECURE_PASSWORD}@")
    for url in (with_password, f"{secure_url}&password={SECURE_PASSWORD}"):
        result = quiet(console(tmp_path, *DEBUG, "--db", url, "db", "upgrade"))
        assert result.returncode == 2
        assert "holds a password, which every user of this computer can read" in (the_error(result))


def test_a_remote_database_without_verify_full_is_logged_as_a_risk(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("")
    url = "postgresql+psycopg://noc@127.0.0.2:9/noc?sslmode=require"  # nobody listens there
    result = quiet(console(tmp_path, "--log-level", "WARNING", "--db", url, "outbox", "list"))
    assert result.returncode == 1
    (warning,) = [line for line in result.stderr.splitlines() if " WARNING " in line]
    assert "is reached with sslmode=require" in warning
    assert "add ?sslmode=verify-full&sslrootcert=CA-FILE" in warning
    assert the_error(result).startswith("noc-console: cannot connect to the shared database")
