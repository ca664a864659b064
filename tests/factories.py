"""Building valid incidents for tests with only the fields a test cares about."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from noc_console.models.incident import Incident, Priority, Status
from tests.conftest import T0


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
