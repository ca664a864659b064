"""Building valid incidents for tests with only the fields a test cares about."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import Incident, IncidentKey, Priority, Status, Tier
from noc_console.models.sla_clock import SlaClock
from tests.conftest import T0

HOUR = timedelta(hours=1)


def incident(number: int = 1, **fields: Any) -> Incident:
    created: datetime = fields.pop("created_at", T0 - timedelta(minutes=10))
    values: dict[str, Any] = {
        "source": "test",
        "external_id": f"T-{number}",
        "client_id": "acme",
        "title": f"Incident {number}",
        "status": Status.NEW,
        "priority": Priority.P2,
        "created_at": created,
        "updated_at": created,
        "version": "1",
    }
    values.update(fields)
    return Incident(**values)


def board_row(
    number: int,
    due_minutes: int | None = 30,
    status: Status = Status.IN_PROGRESS,
    **fields: object,
) -> BoardRow:
    """A board row whose next deadline (and resolution clock) is `due_minutes` after T0."""
    due = None if due_minutes is None else T0 + timedelta(minutes=due_minutes)
    clock = None if due is None else SlaClock(due_at=due, target=2 * HOUR)
    values: dict[str, object] = {
        "key": IncidentKey("test", f"T-{number}"),
        "client_id": f"client-{number % 3}",
        "client_name": f"Client {number % 3}",
        "title": f"Incident {number}",
        "status": status,
        "priority": Priority.P3,
        "tier": Tier.L1,
        "assignee": None,
        "created_at": T0 - HOUR,
        "updated_at": T0 - HOUR,
        "response": None,
        "resolution": clock,
        "next_deadline": due,
        "impact": 2,
        "urgency": 2,
        "progress_at": T0 - HOUR,
    }
    values.update(fields)
    return BoardRow(**values)  # type: ignore[arg-type]
