"""The cache's tables (SQLAlchemy Core `Table`s).

The schema is created and changed only by the Alembic migrations in `migrations/`;
these tables must match them (a test compares the two; a column is nullable unless
it says not). Plain `Table`s, not ORM classes: nothing maps rows to objects, and
importing the ORM was a sixth of the console's start-up before its first paint. Types
are dialect-neutral: SQLite by default, PostgreSQL later.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import JSON, TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out; stored as naive UTC.

    Neither SQLite nor a plain `timestamp` column keeps a zone, so the zone is fixed
    by convention at this one place instead of being trusted to every caller.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(UTC).replace(tzinfo=None)

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        """On SQLite, the text SQLAlchemy's DateTime stores, made in one step: a page of
        1,000 incidents binds 10,000 times, and the general path (this type, then the
        dialect's) was a fifth of writing it."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            zone = value.tzinfo
            if zone is not UTC:
                if zone is None:
                    raise ValueError("naive datetime given to the store")
                value = value.astimezone(UTC)
            return value.isoformat(" ", "microseconds")[:26]  # without the "+00:00"

        return process

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        """On SQLite, the stored text read as an aware UTC time in one step: the board's
        start-up reads 100,000 times, and the general path (the dialect's parse, then this
        type's `replace`) was a third of reading the open rows. Texts of another shape
        (none that SQLAlchemy writes) take the general path."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        impl = self.impl_instance.result_processor(dialect, coltype)
        parse = datetime.fromisoformat

        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            try:
                result = parse(value + "+00:00")
                if result.tzinfo is UTC:  # a date alone ignores the offset
                    return result
            except (TypeError, ValueError):
                pass
            return self.process_result_value(impl(value) if impl else value, dialect)

        return process

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


metadata = MetaData()

CLIENTS = Table(
    "clients",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("contract", String(100), nullable=False),
    Column("calendar", String(100), server_default="", nullable=False),
)

INCIDENTS = Table(
    "incidents",
    metadata,
    Column("source", String(100), primary_key=True),
    Column("external_id", String(200), primary_key=True),
    Column("client_id", String(200), index=True, nullable=False),
    Column("title", String(1000), nullable=False),
    Column("description", Text, default="", nullable=False),
    Column("category", String(200), default="", nullable=False),
    Column("status", String(32), nullable=False),
    Column("source_status", String(200), default="", nullable=False),
    Column("priority", String(4), nullable=False),
    Column("impact", Integer, nullable=False),
    Column("urgency", Integer, nullable=False),
    Column("tier", String(8), nullable=False),
    Column("assignee", String(200)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("responded_at", UtcDateTime),
    Column("resolved_at", UtcDateTime),
    Column("response_due", UtcDateTime),
    Column("resolution_due", UtcDateTime),
    Column("response_due_origin", String(16), nullable=False),
    Column("resolution_due_origin", String(16), nullable=False),
    Column("response_target_s", Integer, nullable=False),
    Column("resolution_target_s", Integer, nullable=False),
    Column("paused_since", UtcDateTime),
    Column("status_since", UtcDateTime, nullable=False),
    Column("tier_since", UtcDateTime, nullable=False),
    Column("is_open", Boolean, nullable=False),
    Column("next_deadline", UtcDateTime),
    Column("version", String(200), default="", nullable=False),
    Column("raw", JSON, nullable=False),
    Column("snapshot", JSON),  # the source's last word, normalised
    # What the service metrics add up (incident_columns.metric_facts, docs/metrics.md):
    Column("symptom", String(200), server_default="", nullable=False),  # models/symptom.py
    Column("created_s", Integer),  # created_at in epoch seconds
    Column("response_wall_s", Integer),  # raised → answered
    Column("resolution_wall_s", Integer),  # raised → resolved, paused time excluded
    Column("resolution_business_s", Integer),  # the same in business time
    Index("ix_incidents_open_deadline", "is_open", "next_deadline"),
    Index("ix_incidents_created_at", "created_at"),
    Index("ix_incidents_resolved_at", "resolved_at"),
    Index("ix_incidents_responded_at", "responded_at"),
    Index("ix_incidents_recurrence", "client_id", "symptom", "created_s"),
)

#: One stretch of time an incident spent in a pausing status.
PAUSES = Table(
    "incident_pauses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(100), nullable=False),
    Column("external_id", String(200), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime),
    Column("status", String(32), nullable=False),
    Index("ix_incident_pauses_key", "source", "external_id"),
)

SYNC_STATE = Table(
    "sync_state",
    metadata,
    Column("connector", String(100), primary_key=True),
    Column("watermark", UtcDateTime),
    Column("last_attempt_at", UtcDateTime),
    Column("last_success_at", UtcDateTime),
    Column("last_error", Text),
    Column("failures", Integer, server_default="0", nullable=False),
    Column("offline_since", UtcDateTime),
    Column("retry_at", UtcDateTime),
    Column("last_reconciled_at", UtcDateTime),
    Column("skipped", Integer, server_default="0", nullable=False),  # by the last sync
    Column("skip_note", Text),  # why (the first record's reason)
    Column("warning", Text),  # the source looks stuck: why
)

#: A triage action waiting for, or done with, delivery; `seq` orders them.
OUTBOX = Table(
    "outbox",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(64), unique=True, nullable=False),
    Column("source", String(100), nullable=False),
    Column("external_id", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("base_version", String(200), nullable=False),
    Column("expected", JSON, nullable=False),
    Column("author", String(200), nullable=False),
    Column("force", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("in_flight", Boolean, nullable=False),
    Column("next_attempt_at", UtcDateTime),
    Column("last_error", Text),
    Column("retryable", Boolean, nullable=False),
    Column("theirs", JSON, nullable=False),
    Column("delivered_version", String(200)),
    Column("settled_at", UtcDateTime),
    Column("claimed_by", String(200)),  # process delivering it
    Column("lease_until", UtcDateTime),  # its claim ends then
    Column("failure", String(16)),  # FailureKind, while failed
    Index("ix_outbox_state_source", "state", "source"),
    Index("ix_outbox_key", "source", "external_id"),
)

#: One change of an incident's status, tier or priority as the board showed it.
EVENTS = Table(
    "incident_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(100), nullable=False),
    Column("external_id", String(200), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("field", String(16), nullable=False),  # status, tier or priority
    Column("old", String(32), nullable=False),
    Column("new", String(32), nullable=False),
    Index("ix_incident_events_at", "at"),
    Index("ix_incident_events_key", "source", "external_id"),
)

#: A shift handover as the outgoing lead saved it, and its acknowledgement.
HANDOVERS = Table(
    "handovers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("shift_name", String(100), nullable=False),
    Column("shift_start", UtcDateTime, nullable=False),
    Column("shift_end", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("author", String(200), nullable=False),
    Column("note", Text, nullable=False),
    Column("notes", JSON, nullable=False),  # "source:external_id" → text
    Column("html", Text, nullable=False),  # the handover as it was handed over
    Column("acknowledged_by", String(200)),
    Column("acknowledged_at", UtcDateTime),
    Index("ux_handovers_shift", "shift_name", "shift_start", unique=True),
)

#: Facts about the database itself: `schema_written_by` is the NOC Console version that
#: last migrated it (an older console names it when it meets a newer schema).
CACHE_META = Table(
    "cache_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Alarm acknowledgements and snoozes, one row per alarm, appended and never changed:
#: consoles insert and read them (acknowledged on one desk, quiet on every desk).
ALARM_ACKNOWLEDGEMENTS = Table(
    "alarm_acknowledgements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("acknowledged_at", UtcDateTime, nullable=False),
    Column("acknowledged_by", String(200), nullable=False),
    Column("kind", String(16), nullable=False),  # ack or snooze
    Column("source", String(100), nullable=False),
    Column("external_id", String(200), nullable=False),
    Column("reason", String(16), nullable=False),  # the alarm's: new, critical, breached
    Column("priority", String(2), nullable=False),  # the alarm's level, P1 … P4
    Column("snoozed_until", UtcDateTime),  # a snooze's end
    Index("ix_alarm_acknowledgements_at", "acknowledged_at"),
    Index("ix_alarm_acknowledgements_key", "source", "external_id"),
)

#: Major incidents: ours, not any PSA's (models/major_incident.py); `clients` is a JSON
#: list of client ids, the times are derived from the timeline's events.
MAJOR_INCIDENTS = Table(
    "major_incidents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", String(300), nullable=False),
    Column("severity", String(2), nullable=False),
    Column("commander", String(200), nullable=False),
    Column("comms_lead", String(200), nullable=False),
    Column("clients", JSON, nullable=False),
    Column("state", String(16), nullable=False),  # open or resolved
    Column("declared_at", UtcDateTime, nullable=False),
    Column("declared_by", String(200), nullable=False),
    Column("detected_at", UtcDateTime),
    Column("first_update_at", UtcDateTime),
    Column("last_update_at", UtcDateTime),
    Column("mitigated_at", UtcDateTime),
    Column("resolved_at", UtcDateTime),
    Index("ix_major_incidents_state", "state"),
)

#: The tickets of a major incident, each in its own PSA.
MAJOR_INCIDENT_CHILDREN = Table(
    "major_incident_children",
    metadata,
    Column("major_incident_id", Integer, primary_key=True),
    Column("source", String(100), primary_key=True),
    Column("external_id", String(200), primary_key=True),
    Column("client_id", String(200), nullable=False),
    Column("title", String(1000), nullable=False),
    Column("added_at", UtcDateTime, nullable=False),
    Column("position", Integer, nullable=False),  # the order they were linked in
    Index("ix_major_incident_children_key", "source", "external_id"),
)

#: A major incident's timeline, appended and never changed.
MAJOR_INCIDENT_EVENTS = Table(
    "major_incident_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("major_incident_id", Integer, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("by", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("detail", JSON, nullable=False),
    Index("ix_major_incident_events_mi", "major_incident_id", "at"),
)
