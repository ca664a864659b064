"""The cache's tables (SQLAlchemy 2 declarative mapping).

The schema is created and changed only by the Alembic migrations in `migrations/`;
this mapping must match them (a test compares the two). Types are dialect-neutral:
SQLite by default, PostgreSQL later.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
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


class Base(DeclarativeBase):
    pass


class ClientRecord(Base):
    __tablename__ = "clients"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    contract: Mapped[str] = mapped_column(String(100))
    calendar: Mapped[str] = mapped_column(String(100), server_default="")


class IncidentRecord(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_open_deadline", "is_open", "next_deadline"),
        Index("ix_incidents_created_at", "created_at"),
    )

    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(1000))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(32))
    source_status: Mapped[str] = mapped_column(String(200), default="")
    priority: Mapped[str] = mapped_column(String(4))
    impact: Mapped[int] = mapped_column(Integer)
    urgency: Mapped[int] = mapped_column(Integer)
    tier: Mapped[str] = mapped_column(String(8))
    assignee: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    response_due: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolution_due: Mapped[datetime | None] = mapped_column(UtcDateTime)
    response_due_origin: Mapped[str] = mapped_column(String(16))
    resolution_due_origin: Mapped[str] = mapped_column(String(16))
    response_target_s: Mapped[int] = mapped_column(Integer)
    resolution_target_s: Mapped[int] = mapped_column(Integer)
    paused_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status_since: Mapped[datetime] = mapped_column(UtcDateTime)
    tier_since: Mapped[datetime] = mapped_column(UtcDateTime)
    is_open: Mapped[bool] = mapped_column(Boolean)
    next_deadline: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[str] = mapped_column(String(200), default="")
    raw: Mapped[Any] = mapped_column(JSON)
    snapshot: Mapped[Any | None] = mapped_column(JSON)  # the source's last word, normalised


class PauseRecord(Base):
    """One stretch of time an incident spent in a pausing status."""

    __tablename__ = "incident_pauses"
    __table_args__ = (Index("ix_incident_pauses_key", "source", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(100))
    external_id: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(32))


class SyncStateRecord(Base):
    __tablename__ = "sync_state"

    connector: Mapped[str] = mapped_column(String(100), primary_key=True)
    watermark: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, server_default="0")
    offline_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    retry_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_reconciled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    skipped: Mapped[int] = mapped_column(Integer, server_default="0")  # by the last sync
    skip_note: Mapped[str | None] = mapped_column(Text)  # why (the first record's reason)
    warning: Mapped[str | None] = mapped_column(Text)  # the source looks stuck: why


class OutboxRecord(Base):
    """A triage action waiting for, or done with, delivery; `seq` orders them."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_state_source", "state", "source"),
        Index("ix_outbox_key", "source", "external_id"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(100))
    external_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[Any] = mapped_column(JSON)
    base_version: Mapped[str] = mapped_column(String(200))
    expected: Mapped[Any] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(200))
    force: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    in_flight: Mapped[bool] = mapped_column(Boolean)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    retryable: Mapped[bool] = mapped_column(Boolean)
    theirs: Mapped[Any] = mapped_column(JSON)
    delivered_version: Mapped[str | None] = mapped_column(String(200))
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(200))  # process delivering it
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)  # its claim ends then


class IncidentEventRecord(Base):
    """One change of an incident's status, tier or priority as the board showed it."""

    __tablename__ = "incident_events"
    __table_args__ = (
        Index("ix_incident_events_at", "at"),
        Index("ix_incident_events_key", "source", "external_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(100))
    external_id: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    field: Mapped[str] = mapped_column(String(16))  # status, tier or priority
    old: Mapped[str] = mapped_column(String(32))
    new: Mapped[str] = mapped_column(String(32))


class HandoverRecord(Base):
    """A shift handover as the outgoing lead saved it, and its acknowledgement."""

    __tablename__ = "handovers"
    __table_args__ = (Index("ux_handovers_shift", "shift_name", "shift_start", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    shift_name: Mapped[str] = mapped_column(String(100))
    shift_start: Mapped[datetime] = mapped_column(UtcDateTime)
    shift_end: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    author: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    notes: Mapped[Any] = mapped_column(JSON)  # "source:external_id" → text
    html: Mapped[str] = mapped_column(Text)  # the handover as it was handed over
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CacheMetaRecord(Base):
    """Facts about the database itself: `schema_written_by` is the NOC Console version
    that last migrated it (an older console names it when it meets a newer schema)."""

    __tablename__ = "cache_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


metadata = Base.metadata
