"""The shift part of the configuration file: `[[shifts]]` and `[handover]`.

```toml
[handover]
timezone = "Europe/London"   # the NOC's IANA zone; shift times are wall-clock there

[[shifts]]
name = "Early"
start = "07:00"
end = "15:00"                # an end not after the start crosses midnight
```

Both are optional: without `[[shifts]]` the plan is Early 07:00–15:00, Late
15:00–23:00, Night 23:00–07:00; without a zone, UTC. Every problem raises
`ConfigError` naming the file, the key and the problem.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time
from typing import Any

from noc_console.models.shift import DEFAULT_SHIFTS, Shift, ShiftError, ShiftPlan
from noc_console.services.sla_config import TableReader

SHIFT_KEYS = {"name", "start", "end"}
HANDOVER_KEYS = {"timezone"}
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_shifts(data: Mapping[str, Any], where: str) -> ShiftPlan:
    """The shift plan from the top-level `shifts` array and `handover` table."""
    read = TableReader(where)
    handover = read.table(data.get("handover", {}), "handover", HANDOVER_KEYS)
    zone = handover.get("timezone", "UTC")
    if not isinstance(zone, str):
        raise read.fail("handover.timezone", 'must be an IANA zone like "Europe/London"')
    raw = data.get("shifts")
    if raw is None:
        shifts: tuple[Shift, ...] = DEFAULT_SHIFTS
    elif not isinstance(raw, list) or not raw:
        raise read.fail("shifts", "must be a non-empty array of tables ([[shifts]])")
    else:
        shifts = tuple(_shift(read, item, f"shifts[{i}]") for i, item in enumerate(raw))
    try:
        return ShiftPlan(shifts, zone)
    except ShiftError as exc:
        key = "handover.timezone" if "time zone" in str(exc) else "shifts"
        raise read.fail(key, str(exc)) from exc


def _shift(read: TableReader, item: Any, key: str) -> Shift:
    spec = read.table(item, key, SHIFT_KEYS)
    for name in ("name", "start", "end"):
        if name not in spec:
            raise read.fail(f"{key}.{name}", "is required")
    if not isinstance(spec["name"], str) or not spec["name"].strip():
        raise read.fail(f"{key}.name", "must be a non-empty string")
    return Shift(
        spec["name"].strip(),
        _time(read, spec["start"], f"{key}.start"),
        _time(read, spec["end"], f"{key}.end"),
    )


def _time(read: TableReader, value: Any, key: str) -> time:
    match = _TIME.match(value) if isinstance(value, str) else None
    hour, minute = (int(g) for g in match.groups()) if match else (99, 99)
    if hour == 24 and minute == 0:
        return time(0, 0)
    if hour > 23 or minute > 59:
        raise read.fail(key, f'must be a time of day like "07:00", not {value!r}')
    return time(hour, minute)
