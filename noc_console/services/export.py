"""`noc-console export`: open incidents as JSON or CSV, with stable keys (DESIGN.md §3).

Other tools read this output; add keys if needed, never rename or drop one. The JSON
carries every value exactly as stored. The CSV is for spreadsheets, and its text comes
from anyone who can email a helpdesk: a cell that a spreadsheet would run as a formula
(starting with `=`, `+`, `-`, `@`, their full-width forms, tab, CR or LF) gets a
leading `'` (OWASP, "CSV injection"), and every data field is quoted, so a bare CR
inside a title (which `csv.QUOTE_MINIMAL` leaves unquoted) cannot split a row.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from noc_console.models.board_row import BoardRow
from noc_console.models.sla_clock import DEFAULT_THRESHOLDS, SlaClock, SlaThresholds

EXPORT_KEYS: Sequence[str] = (
    "source",
    "external_id",
    "client",
    "title",
    "status",
    "priority",
    "tier",
    "assignee",
    "created_at",
    "updated_at",
    "response_due",
    "resolution_due",
    "response_state",
    "resolution_state",
)


def export_records(
    rows: Iterable[BoardRow], now: datetime, thresholds: SlaThresholds = DEFAULT_THRESHOLDS
) -> list[dict[str, Any]]:
    return [
        {
            "source": row.key.source,
            "external_id": row.key.external_id,
            "client": row.client_name,
            "title": row.title,
            "status": row.status.value,
            "priority": row.priority.value,
            "tier": row.tier.value,
            "assignee": row.assignee,
            "created_at": _iso(row.created_at),
            "updated_at": _iso(row.updated_at),
            "response_due": _iso(row.response.due_at) if row.response else None,
            "resolution_due": _iso(row.resolution.due_at) if row.resolution else None,
            "response_state": _state(row.response, now, thresholds),
            "resolution_state": _state(row.resolution, now, thresholds),
        }
        for row in rows
    ]


def write_export(records: list[dict[str, Any]], fmt: str, out: TextIO) -> None:
    if fmt == "json":
        json.dump(records, out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif fmt == "csv":
        csv.writer(out, lineterminator="\n").writerow(EXPORT_KEYS)
        writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
        for record in records:
            writer.writerow(_cell(record[key]) for key in EXPORT_KEYS)
    else:
        raise ValueError(f"unknown export format {fmt!r}")


#: What makes a spreadsheet read a cell as a formula (OWASP), full-width forms included.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def _cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text, never runs."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _iso(value: datetime) -> str:
    """ISO 8601 in UTC to the whole second (`2026-11-25T04:38:00Z`): one form for every
    time key and every source, whatever precision the source stamps with. Sub-seconds
    are cut, not rounded, so a time never moves into a second that had not begun."""
    return value.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _state(clock: SlaClock | None, now: datetime, thresholds: SlaThresholds) -> str | None:
    return clock.state(now, thresholds).value if clock else None
