"""Everything the detail panel shows about one incident, gathered off the GUI thread."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from noc_console.models.actions import QueuedAction
from noc_console.models.board_row import BoardRow
from noc_console.models.cache.alarm_ack_table import AlarmAcknowledgement
from noc_console.models.cache.store import Store
from noc_console.models.incident import IncidentKey
from noc_console.models.pauses import Pause

SIMILAR_WINDOW = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class IncidentDetail:
    row: BoardRow
    fields: dict[str, Any]  # every stored column (description, category, source status …)
    pauses: Sequence[Pause]
    actions: Sequence[QueuedAction]  # triage actions taken here, any state
    similar: Sequence[BoardRow]  # same client or same symptom, last 30 days
    link: str | None  # the incident in its PSA, when the source gives one
    alarms: Sequence[AlarmAcknowledgement] = ()  # its alarms acknowledged or snoozed, by whom


def incident_detail(store: Store, key: IncidentKey, now: datetime) -> IncidentDetail | None:
    rows = store.rows([key])
    found = store.details(key)
    if not rows or found is None:
        return None
    fields, pauses = found
    row = rows[0]
    raw = fields.get("raw") or {}
    link = _link(raw) if isinstance(raw, dict) else None
    return IncidentDetail(
        row=row,
        fields=fields,
        pauses=pauses,
        actions=store.outbox(key=key),
        similar=store.similar(key, row.client_id, row.title, now - SIMILAR_WINDOW),
        link=str(link) if link else None,
        alarms=store.alarm_acknowledgements(key=key),
    )


def _link(raw: dict[str, Any]) -> Any:
    """Where the source shows the incident: a ticket's URL, or the graph an alert came
    from (Alertmanager's `generatorURL`)."""
    return raw.get("url") or raw.get("web_url") or raw.get("generatorURL")
