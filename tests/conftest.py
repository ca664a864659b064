"""Shared fixtures. Qt runs offscreen so the suite needs no display."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything loads Qt

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest

from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from tests.fakes.memory_keyring import MemoryKeyring
from tests.peers import postgres
from tests.peers.alertmanager import AlertmanagerServer
from tests.peers.alertmanager import missing as alertmanager_missing
from tests.peers.request_tracker import RtServer, missing

T0 = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cache.sqlite3'}"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store.open(db_url)
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets an empty in-memory keyring: never the developer's own."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def rt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RtServer]:
    """A real Request Tracker 5 for the session (tests/peers/request_tracker.py).

    Skipped only where RT cannot be installed; on CI (`CI` set) that is a failure.
    """
    _require(missing())
    server = RtServer(tmp_path_factory.mktemp("rt")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[postgres.PgCluster]:
    """A private PostgreSQL cluster for the session (tests/peers/postgres.py).

    Skipped only where PostgreSQL or psycopg cannot be installed; on CI (`CI` set) that
    is a failure.
    """
    _require(postgres.missing())
    cluster = postgres.start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_secure_cluster() -> Iterator[postgres.PgCluster]:
    """A second private cluster that speaks TLS (a certificate for localhost and 127.0.0.1
    from a throwaway CA: `ca_file`) and wants the role's password (SCRAM) over TCP;
    started only by the tests that ask for it."""
    reason = postgres.missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    cluster = postgres.start_cluster(tls=True, password=postgres.SECURE_PASSWORD)
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: postgres.PgCluster) -> str:
    """A new, empty PostgreSQL database of the session's cluster, for this test alone."""
    return pg_cluster.new_database()


@pytest.fixture(scope="session")
def _pg_private_session(pg_cluster: postgres.PgCluster) -> Iterator[postgres.PgCluster]:
    cluster = postgres.start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_private_cluster(
    _pg_private_session: postgres.PgCluster,
) -> Iterator[postgres.PgCluster]:
    """A second cluster, for tests that stop and start their database server
    (`pause`, `resume`) without taking the shared one away from the others; running
    again after each test, however it ended."""
    yield _pg_private_session
    if _pg_private_session.paused:
        _pg_private_session.resume()


@pytest.fixture(scope="session")
def am_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AlertmanagerServer]:
    """A real Prometheus Alertmanager for the session (tests/peers/alertmanager.py).

    Skipped only where it cannot be installed; on CI (`CI` set) that is a failure.
    """
    _require(alertmanager_missing())
    server = AlertmanagerServer(tmp_path_factory.mktemp("alertmanager")).start()
    yield server
    server.stop()


@pytest.fixture
def am_server(am_session: AlertmanagerServer) -> AlertmanagerServer:
    """The session's Alertmanager with no alert firing and no silence active."""
    am_session.reset()
    return am_session


def _require(reason: str) -> None:
    """Skip the test when a real test server cannot run here (`reason`); on CI (`CI`
    set) fail it instead."""
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def shared(pg_url: str) -> Iterator[Store]:
    """A store on a new, migrated PostgreSQL database (team mode's shared cache)."""
    from noc_console.models.cache.database import upgrade

    upgrade(pg_url)
    store = Store.open(pg_url)
    yield store
    store.close()
