"""Least-privilege roles on a shared PostgreSQL (issue 17, item 6): the SQL is read from
docs/team.md itself, so the page cannot drift from what is tested. A console reads the
board, submits actions, writes and acknowledges handovers and settles its actions, but
may not rewrite an incident; the service lays the console's action over the row; a wall
only reads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.database import upgrade
from noc_console.models.cache.handover_table import SavedHandover
from noc_console.models.cache.store import Store
from noc_console.models.errors import StoreError
from noc_console.models.incident import IncidentKey, Status
from tests.conftest import T0
from tests.factories import incident
from tests.peers.postgres import PgCluster, plain_dsn

DOC = Path(__file__).resolve().parents[2] / "docs" / "team.md"


def documented_sql(name: str) -> str:
    """The ```sql block under `<!-- roles: NAME -->` in docs/team.md."""
    found = re.search(
        rf"<!-- roles: {name} -->\s*```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S
    )
    assert found is not None, f"docs/team.md has no `roles: {name}` SQL block"
    return found.group(1)


def as_role(url: str, role: str) -> str:
    """`url` as `role` (trust authentication: the test cluster asks no password)."""
    return re.sub(r"://[^@/]+@", f"://{role}@", url, count=1)


@pytest.fixture
def service_url(pg_cluster: PgCluster) -> str:
    """A database set up as docs/team.md says: roles created by a superuser, the
    database owned by noc_service, its schema created by noc_service, the grants run by
    noc_service."""
    with psycopg.connect(pg_cluster.dsn("postgres"), autocommit=True) as admin:
        admin.execute(documented_sql("create"))  # twice: it may be run again
        admin.execute(documented_sql("create"))
    url = pg_cluster.new_database("roles")
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(pg_cluster.dsn("postgres"), autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" OWNER TO noc_service')
    service = as_role(url, "noc_service")
    upgrade(service)
    with psycopg.connect(plain_dsn(service), autocommit=True) as owner:
        owner.execute(documented_sql("grant"))
        owner.execute(documented_sql("grant"))  # after every upgrade: idempotent
    return service


@pytest.fixture
def service(service_url: str) -> Iterator[Store]:
    store = Store.open(service_url)
    store.upsert_incidents([incident(1), incident(2)])
    yield store
    store.close()


def handover() -> SavedHandover:
    return SavedHandover(
        shift_name="Late", shift_start=T0 - timedelta(hours=8), shift_end=T0,
        created_at=T0, author="Dana", note="INC 2 waits on the carrier",
    )  # fmt: skip


def test_a_console_reads_submits_and_hands_over_but_cannot_rewrite_an_incident(
    service: Store, service_url: str
) -> None:
    console = Store.open(as_role(service_url, "noc_console"), overlays=False)
    try:
        assert [r.key.external_id for r in console.open_rows()] == ["T-1", "T-2"]
        key = IncidentKey("test", "T-1")
        ack = Action(key, ActionKind.ACKNOWLEDGE, author="Dana")
        seq, changes = console.enqueue(ack, T0)
        assert console.enqueue(ack, T0)[0] == seq  # sent again: inserted once
        assert not changes  # the console did not touch the incident
        assert console.rows([key])[0].status is Status.NEW
        assert service.lay_pending([key]).upserted == {key}
        assert console.rows([key])[0].status is Status.ACKNOWLEDGED  # laid over by the service

        saved = console.save_handover(handover())
        console.save_handover(handover())  # replaces the unacknowledged one
        assert console.acknowledge_handover(saved.id, "Sam", T0).acknowledged_by == "Sam"

        service.mark_failed(seq, "refused", retryable=False)
        console.retry(seq, T0)  # settling its own action
        assert [q.state for q in console.outbox()] == [ActionState.PENDING]
    finally:
        console.close()
    with psycopg.connect(plain_dsn(as_role(service_url, "noc_console"))) as raw:
        for statement in (
            "UPDATE incidents SET title = 'rewritten'",
            "DELETE FROM incidents",
            "INSERT INTO incident_events SELECT * FROM incident_events",
            "UPDATE outbox SET payload = '{}'",
            "DELETE FROM outbox",
            "UPDATE sync_state SET last_error = 'x'",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                raw.execute(statement)
            raw.rollback()
        acknowledgements = raw.execute(
            "SELECT has_table_privilege('alarm_acknowledgements', 'INSERT'), "
            "has_table_privilege('alarm_acknowledgements', 'UPDATE') "
            "WHERE to_regclass('alarm_acknowledgements') IS NOT NULL"
        ).fetchall()
        assert acknowledgements in ([], [(True, False)])  # schema 0009 brings the table


def test_a_wall_reads_and_writes_nothing(service: Store, service_url: str) -> None:
    wall = Store.open(as_role(service_url, "noc_wall"), overlays=False)
    try:
        assert len(wall.open_rows()) == 2
        with pytest.raises(StoreError, match="permission denied"):
            wall.enqueue(Action(IncidentKey("test", "T-1"), ActionKind.ACKNOWLEDGE), T0)
        with pytest.raises(StoreError, match="permission denied"):
            wall.save_handover(handover())
    finally:
        wall.close()


def test_a_console_declares_and_runs_a_major_incident_a_wall_cannot(
    service: Store, service_url: str
) -> None:
    from noc_console.models.incident import Priority
    from noc_console.models.major_incident import (
        EventKind,
        MajorIncident,
        MajorIncidentChild,
        MajorIncidentEvent,
    )

    key = IncidentKey("test", "T-1")
    declared = MajorIncident(
        "Carrier outage", Priority.P1, "Dana", "Sam", T0, "Dana", ("acme",),
        (MajorIncidentChild(key, "acme", "Down"),),
    )  # fmt: skip
    note = Action(key, ActionKind.NOTE, {"text": "Part of MI", "internal": True})
    console = Store.open(as_role(service_url, "noc_console"), overlays=False)
    try:
        stored, changes = console.declare_major_incident(declared, [note], T0)
        assert not changes
        sent = MajorIncidentEvent(EventKind.UPDATE_SENT, T0 + timedelta(minutes=5), "Sam")
        assert console.record_major_incident_event(stored.id, sent).last_update_at == sent.at
        assert [q.action.key for q in console.outbox()] == [key]
    finally:
        console.close()
    wall = Store.open(as_role(service_url, "noc_wall"), overlays=False)
    try:
        assert [m.id for m in wall.major_incidents()] == [stored.id]
        other = replace(declared, children=(MajorIncidentChild(IncidentKey("test", "T-2"),
                                                               "acme", "Down"),))  # fmt: skip
        with pytest.raises(StoreError, match="permission denied"):
            wall.declare_major_incident(other, [], T0)
    finally:
        wall.close()
