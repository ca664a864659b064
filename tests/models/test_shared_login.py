"""Logging in to a shared PostgreSQL (issue 17, item 6): TLS with `sslmode=verify-full`
against a cluster whose certificate a throwaway CA signed, and the password from the
installed source (the keyring, in the application) or libpq's `.pgpass` — never from
the URL. A refused connection is one line that says what to fix, without the password.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from sqlalchemy import text

from noc_console.models.cache.database import HEAD_REVISION, make_engine, upgrade
from noc_console.models.cache.postgres_login import (
    holds_password,
    login_name,
    shown,
    unverified_tls,
    use_password_source,
)
from noc_console.models.cache.shared import SessionLock
from noc_console.models.cache.store import Store
from noc_console.models.errors import StoreError
from tests.peers.postgres import ROLE, SECURE_PASSWORD, PgCluster

VERIFY = "sslmode=verify-full&sslrootcert={}"


@pytest.fixture
def database(pg_secure_cluster: PgCluster) -> str:
    """A new database's name on the secure cluster."""
    return pg_secure_cluster.new_database("s").rsplit("/", 1)[1]


@pytest.fixture
def asked() -> Iterator[list[str]]:
    """A password source that knows the cluster's password and notes who asked."""
    names: list[str] = []

    def source(name: str) -> str | None:
        names.append(name)
        return SECURE_PASSWORD

    use_password_source(source)
    yield names
    use_password_source(None)


def test_verify_full_with_the_ca_that_signed_the_server_connects_over_tls(
    pg_secure_cluster: PgCluster, database: str, asked: list[str]
) -> None:
    url = pg_secure_cluster.url(database, "localhost", VERIFY.format(pg_secure_cluster.ca_file))
    assert upgrade(url) == (None, HEAD_REVISION)
    Store.open(url).close()
    engine = make_engine(url)
    with engine.connect() as connection:
        tls = connection.execute(
            text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        ).scalar()
    engine.dispose()
    assert tls is True
    port = pg_secure_cluster.port
    assert set(asked) == {f"postgresql://{ROLE}@localhost:{port}/{database}"}


def test_the_service_lock_gets_the_password_too(
    pg_secure_cluster: PgCluster, database: str, asked: list[str]
) -> None:
    url = pg_secure_cluster.url(database, "localhost", VERIFY.format(pg_secure_cluster.ca_file))
    lock = SessionLock(url)
    try:
        assert lock.try_acquire()
    finally:
        lock.close()


def refusal(url: str) -> str:
    with pytest.raises(StoreError) as refused:
        upgrade(url)
    message = str(refused.value)
    assert "\n" not in message
    assert SECURE_PASSWORD not in message
    return message


def test_a_server_certificate_from_another_ca_is_refused_naming_sslrootcert(
    pg_secure_cluster: PgCluster, database: str, asked: list[str], tmp_path: Path
) -> None:
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    message = refusal(pg_secure_cluster.url(database, "localhost", VERIFY.format(other)))
    assert "certificate verify failed" in message
    assert "set sslrootcert=PATH to the CA certificate that signed it" in message


def test_a_host_name_the_certificate_does_not_hold_is_refused(
    pg_secure_cluster: PgCluster, database: str, asked: list[str]
) -> None:
    query = VERIFY.format(pg_secure_cluster.ca_file) + "&hostaddr=127.0.0.1"
    message = refusal(pg_secure_cluster.url(database, "db.wrong.example", query))
    assert 'does not match host name "db.wrong.example"' in message
    assert "the server's certificate does not name the host in the URL" in message


def test_without_a_password_the_refusal_says_where_to_keep_one(
    pg_secure_cluster: PgCluster, database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))  # not the developer's own
    url = pg_secure_cluster.url(database, "localhost", VERIFY.format(pg_secure_cluster.ca_file))
    message = refusal(url)
    assert "no password supplied" in message
    assert f"`noc-console --db {url} db set-password`" in message
    assert "~/.pgpass" in message


def test_libpq_reads_pgpass_when_no_source_has_the_password(
    pg_secure_cluster: PgCluster, database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"localhost:{pg_secure_cluster.port}:{database}:{ROLE}:{SECURE_PASSWORD}\n")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    use_password_source(lambda _name: None)  # the keyring holds nothing for this login
    try:
        url = pg_secure_cluster.url(database, "localhost", VERIFY.format(pg_secure_cluster.ca_file))
        assert upgrade(url)[1]
    finally:
        use_password_source(None)


def test_a_wrong_password_from_the_source_is_refused_without_showing_it(
    pg_secure_cluster: PgCluster, database: str
) -> None:
    use_password_source(lambda _name: "not-" + SECURE_PASSWORD)
    try:
        url = pg_secure_cluster.url(database, "localhost", VERIFY.format(pg_secure_cluster.ca_file))
        message = refusal(url)
    finally:
        use_password_source(None)
    assert "password authentication failed" in message
    assert "not-" not in message
    assert "db set-password" in message


@pytest.mark.parametrize(
    ("url", "holds", "masked"),
    [
        ("postgresql+psycopg://noc:s3cret@db:5432/noc", True, "postgresql+psycopg://noc:***@db:5432/noc"),
        ("postgresql+psycopg://noc@db/noc?password=s3cret&sslmode=require", True,
         "postgresql+psycopg://noc@db/noc?password=***&sslmode=require"),
        ("postgresql+psycopg://noc:s3cret@db:notaport/noc", True,
         "postgresql+psycopg://noc:***@db:notaport/noc"),
        ("postgresql+psycopg://noc@[::1]:5432/noc", False, "postgresql+psycopg://noc@[::1]:5432/noc"),
        ("sqlite:////srv/a:b@c.sqlite3", False, "sqlite:////srv/a:b@c.sqlite3"),
    ],
)  # fmt: skip
def test_a_password_in_a_url_is_found_and_masked(url: str, holds: bool, masked: str) -> None:
    assert holds_password(url) is holds
    assert shown(url) == masked


def test_an_unusable_url_is_refused_without_its_password() -> None:
    with pytest.raises(StoreError) as refused:
        make_engine("postgresql+psycopg://noc:s3cret@db:notaport/noc")
    assert "s3cret" not in str(refused.value)


def test_the_login_name_ignores_driver_options_and_password() -> None:
    assert (
        login_name("postgresql+psycopg://noc:x@db.example/noc?sslmode=verify-full")
        == login_name("postgresql://noc@db.example:5432/noc")
        == "postgresql://noc@db.example:5432/noc"
    )


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("postgresql+psycopg://noc@db.example.net/noc", True),
        ("postgresql+psycopg://noc@db.example.net/noc?sslmode=require", True),
        ("postgresql+psycopg://noc@db.example.net/noc?sslmode=verify-full&sslrootcert=/ca", False),
        ("postgresql+psycopg://noc@127.0.0.1:5432/noc", False),
        ("postgresql+psycopg://noc@localhost/noc", False),
        ("postgresql+psycopg://noc@/noc?host=/run/postgresql", False),
    ],
)  # fmt: skip
def test_a_remote_database_without_verify_full_is_named_as_a_risk(url: str, warned: bool) -> None:
    warning = unverified_tls(url)
    assert (warning is not None) is warned
    if warning is not None:
        assert "sslmode=verify-full" in warning
