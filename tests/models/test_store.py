import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import StatementError

from noc_console.models.cache.database import (
    HEAD_REVISION,
    _alembic_config,
    current_revision,
    head_revision,
    open_engine,
)
from noc_console.models.cache.schema import metadata
from noc_console.models.cache.store import Store
from noc_console.models.errors import StoreError
from noc_console.models.incident import Client, IncidentKey, Priority, Status, Tier
from noc_console.models.sla_clock import ClockState, DueOrigin
from tests.conftest import T0
from tests.factories import incident

MIN = timedelta(minutes=1)


# ------------------------------------------------------------------ migrations
def test_migration_creates_the_schema_in_an_empty_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    engine = open_engine(url)
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) == {
        "alarm_acknowledgements",
        "alembic_version",
        "cache_meta",
        "clients",
        "handovers",
        "incidents",
        "incident_events",
        "incident_pauses",
        "major_incident_children",
        "major_incident_events",
        "major_incidents",
        "outbox",
        "sync_state",
    }
    engine.dispose()


def test_upgrade_from_the_first_revision_keeps_incidents(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.exec_driver_sql("INSERT INTO clients VALUES ('acme', 'Acme', 'Gold')")
        connection.exec_driver_sql(
            "INSERT INTO incidents (source, external_id, client_id, title, description,"
            " category, status, source_status, priority, impact, urgency, tier, created_at,"
            " updated_at, response_due_origin, resolution_due_origin, response_target_s,"
            " resolution_target_s, paused_seconds, is_open, version, raw) VALUES ('test',"
            " 'T-1', 'acme', 'Old one', '', '', 'new', '', 'P1', 1, 1, 'L1',"
            " '2026-11-25 13:50:00', '2026-11-25 13:55:00', 'computed', 'computed', 900,"
            " 7200, 0, 1, '1', '{}')"
        )
    engine.dispose()
    store = Store.open(url)
    (row,) = store.open_rows()
    assert row.title == "Old one"
    assert row.progress_at == T0 - 5 * MIN  # backfilled from updated_at
    assert store.client("acme") == Client("acme", "Acme", "Gold", "")
    store.close()


def test_migrated_schema_matches_the_orm_mapping(db_url: str) -> None:
    engine = open_engine(db_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert diff == []


def test_the_start_up_shortcut_names_alembics_head() -> None:
    assert head_revision() == HEAD_REVISION


def test_the_cache_is_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "wal.sqlite3"
    Store.open(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_does_not_migrate_again(db_url: str) -> None:
    Store.open(db_url).close()
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE marker (x INTEGER)")
    engine.dispose()
    Store.open(db_url).close()
    assert "marker" in inspect(create_engine(db_url)).get_table_names()


def test_corrupt_cache_names_the_file_and_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"this is not a database, just junk bytes" * 100)
    with pytest.raises(StoreError) as caught:
        Store.open(f"sqlite:///{path}")
    message = str(caught.value)
    assert str(path) in message
    assert "corrupt" in message
    assert "move it aside" in message


def test_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(f"sqlite:///{tmp_path / 'nowhere' / 'cache.sqlite3'}")


@pytest.mark.parametrize("url", ["not a url", "nosuchdialect://x/y"])
def test_unusable_url_is_named(url: str) -> None:
    with pytest.raises(StoreError, match="cannot use database URL"):
        Store.open(url)


# ------------------------------------------------------------------ round trip
def test_incidents_round_trip_to_board_rows(store: Store) -> None:
    store.upsert_clients([Client("acme", "Acme Corp", "Gold")])
    changes = store.upsert_incidents([incident(1, priority=Priority.P1, assignee="Ann")])
    key = IncidentKey("test", "T-1")
    assert changes.upserted == {key}
    (row,) = store.open_rows()
    assert row.key == key
    assert row.client_name == "Acme Corp"
    assert row.assignee == "Ann"
    assert row.created_at == T0 - 10 * MIN
    assert row.created_at.tzinfo is not None
    assert row.response is not None
    assert row.resolution is not None
    assert row.response.due_at == T0 + 5 * MIN  # Gold P1: 15 minutes from creation
    assert row.response.origin is DueOrigin.COMPUTED
    assert row.resolution.due_at == T0 - 10 * MIN + timedelta(hours=2)
    assert row.next_deadline == row.response.due_at


def test_board_rows_carry_every_stored_column_in_its_place(store: Store) -> None:
    """Rows are unpacked by position: each field shows its own column, read by name from
    the whole stored record (`details`), for values that all differ."""
    store.upsert_clients([Client("acme", "Acme Corp", "Gold")])
    store.upsert_incidents(
        [
            incident(
                1,
                status=Status.IN_PROGRESS,
                tier=Tier.L2,
                impact=1,
                urgency=3,
                assignee="Ann",
                updated_at=T0 - 2 * MIN,
                responded_at=T0 - 7 * MIN,
                resolution_due=T0 + 9 * MIN,
            )
        ]
    )
    store.upsert_incidents([incident(1, status=Status.WAITING_CUSTOMER, tier=Tier.L2, impact=1,
                                     urgency=3, assignee="Ann", updated_at=T0 - MIN,
                                     responded_at=T0 - 7 * MIN, resolution_due=T0 + 9 * MIN,
                                     version="2")])  # fmt: skip
    (row,) = store.open_rows()
    details = store.details(row.key)
    assert details is not None
    stored = details[0]
    assert row.response is not None
    assert row.resolution is not None
    assert (row.key.source, row.key.external_id) == (stored["source"], stored["external_id"])
    assert (row.client_id, row.client_name, row.title) == ("acme", "Acme Corp", stored["title"])
    assert (row.status.value, row.priority.value, row.tier.value) == (
        stored["status"], stored["priority"], stored["tier"])  # fmt: skip
    assert (row.assignee, row.impact, row.urgency) == (
        stored["assignee"], stored["impact"], stored["urgency"])  # fmt: skip
    assert (row.created_at, row.updated_at, row.next_deadline) == (
        stored["created_at"], stored["updated_at"], stored["next_deadline"])  # fmt: skip
    assert row.progress_at == max(stored["status_since"], stored["tier_since"])
    for clock, name, stopped in (
        (row.response, "response", stored["responded_at"]),
        (row.resolution, "resolution", stored["resolved_at"]),
    ):
        assert clock.due_at == stored[f"{name}_due"]
        assert clock.target == timedelta(seconds=stored[f"{name}_target_s"])
        assert clock.origin.value == stored[f"{name}_due_origin"]
        assert clock.stopped_at == stopped
    assert row.resolution.paused_since == stored["paused_since"] == T0 - MIN
    assert row.response.stopped_at == T0 - 7 * MIN
    assert row.resolution.origin is DueOrigin.SOURCE
    assert row.response.origin is DueOrigin.COMPUTED


def test_due_dates_from_the_source_win(store: Store) -> None:
    due = T0 + timedelta(hours=3)
    store.upsert_incidents([incident(1, resolution_due=due)])
    (row,) = store.open_rows()
    assert row.resolution is not None
    assert row.response is not None
    assert row.resolution.due_at == due
    assert row.resolution.origin is DueOrigin.SOURCE
    assert row.resolution.target == due - (T0 - 10 * MIN)
    assert row.response.origin is DueOrigin.COMPUTED


def test_unknown_client_uses_the_fallback_contract_and_its_id(store: Store) -> None:
    store.upsert_incidents([incident(1, client_id="stranger", priority=Priority.P2)])
    (row,) = store.open_rows()
    assert row.client_name == "stranger"
    assert row.response is not None
    assert row.response.target == timedelta(hours=1)  # Standard P2


def test_same_version_is_not_a_change(store: Store) -> None:
    store.upsert_incidents([incident(1)])
    assert not store.upsert_incidents([incident(1, title="renamed, same version")])
    assert store.upsert_incidents([incident(1, title="renamed", version="2")])
    assert store.open_rows()[0].title == "renamed"


def test_open_rows_are_ordered_by_nearest_deadline(store: Store) -> None:
    store.upsert_incidents(
        [
            incident(1, priority=Priority.P4),
            incident(2, priority=Priority.P1),
            incident(3, priority=Priority.P3),
        ]
    )
    assert [r.key.external_id for r in store.open_rows()] == ["T-2", "T-3", "T-1"]


def test_closing_an_incident_takes_it_off_the_open_rows(store: Store) -> None:
    store.upsert_incidents([incident(1), incident(2)])
    changes = store.upsert_incidents([incident(1, status=Status.RESOLVED, version="2",
                                               resolved_at=T0)])  # fmt: skip
    assert changes.upserted == {IncidentKey("test", "T-1")}
    assert [r.key.external_id for r in store.open_rows()] == ["T-2"]
    (closed,) = store.rows([IncidentKey("test", "T-1")])
    assert not closed.is_open
    assert store.open_count() == 1


def test_pause_history_shifts_due_dates_by_the_time_paused(store: Store) -> None:
    store.upsert_clients([Client("acme", "Acme Corp", "Gold")])  # around the clock
    created = T0
    store.upsert_incidents([incident(1, created_at=created, status=Status.IN_PROGRESS,
                                     responded_at=created + MIN)])  # fmt: skip
    (before,) = store.open_rows()
    assert before.resolution is not None
    due = before.resolution.due_at
    store.upsert_incidents([incident(1, created_at=created, status=Status.WAITING_CUSTOMER,
                                     responded_at=created + MIN, version="2",
                                     updated_at=created + 10 * MIN)])  # fmt: skip
    (paused,) = store.open_rows()
    assert paused.resolution is not None
    assert paused.resolution.state(created + timedelta(hours=9)) is ClockState.PAUSED
    frozen = paused.resolution.remaining(created + timedelta(hours=9))
    assert frozen == due - (created + 10 * MIN)
    store.upsert_incidents([incident(1, created_at=created, status=Status.IN_PROGRESS,
                                     responded_at=created + MIN, version="3",
                                     updated_at=created + 40 * MIN)])  # fmt: skip
    (resumed,) = store.open_rows()
    assert resumed.resolution is not None
    assert resumed.resolution.due_at == due + 30 * MIN
    assert resumed.resolution.remaining(created + 40 * MIN) == frozen
    assert [(p.start, p.end) for p in store.pauses(IncidentKey("test", "T-1"))] == [
        (created + 10 * MIN, created + 40 * MIN)
    ]


def test_business_hours_clock_runs_only_in_business_hours(store: Store) -> None:
    store.upsert_clients([Client("acme", "Acme Corp", "Standard", "uk-office")])
    friday_5pm = datetime(2026, 11, 27, 17, tzinfo=UTC)
    store.upsert_incidents([incident(1, priority=Priority.P3, created_at=friday_5pm)])
    (row,) = store.open_rows()
    assert row.response is not None
    assert row.response.due_at == datetime(2026, 11, 30, 11, tzinfo=UTC)  # 4 business hours
    saturday = datetime(2026, 11, 28, 12, tzinfo=UTC)
    assert row.response.remaining(saturday) == 3 * timedelta(hours=1)
    assert row.response.fraction_used(saturday) == 0.25


def test_priority_change_retargets_from_the_start_and_keeps_pauses(store: Store) -> None:
    store.upsert_clients([Client("acme", "Acme Corp", "Gold")])
    common = {"created_at": T0, "responded_at": T0 + MIN}
    store.upsert_incidents([incident(1, status=Status.IN_PROGRESS, priority=Priority.P3,
                                     updated_at=T0 + MIN, **common)])  # fmt: skip
    store.upsert_incidents([incident(1, status=Status.WAITING_CUSTOMER, priority=Priority.P3,
                                     updated_at=T0 + 20 * MIN, version="2", **common)])  # fmt: skip
    store.upsert_incidents([incident(1, status=Status.IN_PROGRESS, priority=Priority.P3,
                                     updated_at=T0 + 50 * MIN, version="3", **common)])  # fmt: skip
    store.upsert_incidents([incident(1, status=Status.IN_PROGRESS, priority=Priority.P1,
                                     updated_at=T0 + 60 * MIN, version="4", **common)])  # fmt: skip
    (row,) = store.open_rows()
    assert row.resolution is not None
    # Gold P1: 2 h from the original start, plus the 30 minutes paused.
    assert row.resolution.due_at == T0 + timedelta(hours=2, minutes=30)
    assert row.resolution.target == timedelta(hours=2)
    assert row.progress_at == T0 + 50 * MIN  # a priority change is not progress


def test_changes_in_one_page_are_one_transaction(store: Store) -> None:
    """A page that fails to write leaves nothing of itself behind."""
    good = incident(1)
    bad = incident(2, raw={"unserialisable": object()})
    with pytest.raises(StatementError, match="not JSON serializable"):
        store.upsert_incidents([good, bad])
    assert store.open_rows() == []


def test_sync_state_round_trip(store: Store) -> None:
    assert store.sync_state("demo").watermark is None
    store.record_sync("demo", T0, watermark=T0 - MIN)
    failed = store.record_sync("demo", T0 + MIN, error="connection refused")
    assert failed.watermark == T0 - MIN
    assert failed.last_success_at == T0
    assert failed.last_error == "connection refused"
    assert store.sync_states() == [failed]


def test_a_rejected_action_falls_back_to_exactly_what_the_source_said(store: Store) -> None:
    """Rows with no pending actions keep no separate copy of the source's word: an
    action laid over one, then refused, must leave the row as the source wrote it —
    its own due date kept, the computed one computed again."""
    from noc_console.models.actions import Action, ActionKind

    given = T0 + timedelta(hours=7)
    store.upsert_incidents(
        [incident(1, resolution_due=given, description="UPS on battery", category="power",
                  source_status="Open (customer)", assignee="kim", raw={"id": 1, "x": "é"})]
    )  # fmt: skip
    (before,) = store.rows([incident(1).key])
    payload = {"impact": 1, "urgency": 1, "priority": "P1"}
    seq, _ = store.enqueue(Action(incident(1).key, ActionKind.PRIORITY, payload), T0)
    (overlaid,) = store.rows([incident(1).key])
    assert overlaid.priority.value == "P1"
    assert overlaid.response != before.response  # a P1's response target is shorter
    store.mark_failed(seq, "refused", retryable=False)
    (after,) = store.rows([incident(1).key])
    assert after.failed_actions == 1  # marked on the board, and otherwise as before
    assert replace(after, failed_actions=0) == before
    assert after.resolution is not None
    assert after.resolution.due_at == given


@given(
    st.datetimes(
        min_value=datetime(1970, 1, 2),  # noqa: DTZ001 (naive bounds; zones: timezones=)
        max_value=datetime(2199, 12, 30),  # noqa: DTZ001
        timezones=st.sampled_from([UTC, ZoneInfo("Europe/London"), timezone(-timedelta(hours=5))]),
    )
)
def test_times_are_stored_as_sqlalchemy_stores_them(value: datetime) -> None:
    """The fast SQLite binding writes the very text SQLAlchemy's DateTime wrote (caches
    written before it sort and compare the same)."""
    from sqlalchemy import DateTime
    from sqlalchemy.dialects import sqlite

    from noc_console.models.cache.schema import UtcDateTime

    dialect = sqlite.dialect()
    ours = UtcDateTime().bind_processor(dialect)
    theirs = DateTime().dialect_impl(dialect).bind_processor(dialect)  # sqlite.DATETIME's
    assert ours is not None
    assert theirs is not None
    assert ours(value) == theirs(value.astimezone(UTC).replace(tzinfo=None))
    with pytest.raises(ValueError, match="naive"):
        ours(value.replace(tzinfo=None))


@given(
    st.datetimes(
        min_value=datetime(1970, 1, 2),  # noqa: DTZ001 (naive bounds; zones: timezones=)
        max_value=datetime(2199, 12, 30),  # noqa: DTZ001
    ),
    st.sampled_from(["%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"]),
)
def test_times_are_read_as_sqlalchemy_reads_them(value: datetime, shape: str) -> None:
    """The one-step SQLite reading gives the very value SQLAlchemy's DateTime read, made
    aware UTC as `process_result_value` did (texts of other shapes too)."""
    from sqlalchemy.dialects import sqlite

    from noc_console.models.cache.schema import UtcDateTime

    dialect = sqlite.dialect()
    ours = UtcDateTime().dialect_impl(dialect).result_processor(dialect, None)
    theirs = sqlite.DATETIME().result_processor(dialect, None)  # type: ignore[no-untyped-call]  # SQLAlchemy's dialect types are unannotated
    assert ours is not None
    assert theirs is not None
    text = value.strftime(shape)
    read, reference = ours(text), theirs(text)
    assert read is not None
    assert reference is not None
    assert read == reference.replace(tzinfo=UTC)
    assert read.tzinfo is UTC
    assert ours(None) is None


def test_a_board_row_carries_the_category_correlation_compares(store: Store) -> None:
    store.upsert_incidents([incident(1, category="Network"), incident(2)])
    categories = {row.key.external_id: row.category for row in store.open_rows()}
    assert categories == {"T-1": "Network", "T-2": ""}


def test_a_client_listed_twice_by_its_source_is_stored_once_as_its_last(store: Store) -> None:
    """A PSA's company list may repeat a company (paging that shifts under an insert): the
    sync must not stop on the cache's unique key."""
    store.upsert_clients([Client("acme", "Acme"), Client("beta", "Beta"),
                          Client("acme", "Acme Ltd", "Gold")])  # fmt: skip
    assert store.client("acme") == Client("acme", "Acme Ltd", "Gold")
    store.upsert_clients([Client("beta", "Beta GmbH"), Client("beta", "Beta GmbH")])
    assert [c.name for c in store.clients()] == ["Acme Ltd", "Beta GmbH"]
