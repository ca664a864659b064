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
15:00–23:00, Night 23:00–07:00; without a zone, UTC. Declared below, read by
`config_reader.py`; `build_shift_plan` makes the `ShiftPlan` (which checks the shifts
tile the day).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from noc_console.models.shift import DEFAULT_SHIFTS, Shift, ShiftError, ShiftPlan
from noc_console.services.config_reader import Problem

_PLAN = ShiftPlan()


def _named(name: str) -> str | None:
    return None if name.strip() else "must be a non-empty string"


@dataclass(frozen=True, slots=True, kw_only=True)
class ShiftTable:
    """One `[[shifts]]` entry."""

    name: str = field(metadata={"doc": "Shown in handovers.", "check": _named})
    start: time = field(metadata={"doc": 'Wall-clock start, "07:00".'})
    end: time = field(metadata={"doc": "Wall-clock end; not after the start: crosses midnight."})


@dataclass(frozen=True, slots=True, kw_only=True)
class HandoverTable:
    """`[handover]`."""

    timezone: str = field(
        default=_PLAN.timezone,
        metadata={"doc": "The NOC's IANA zone; shift times are wall-clock there.",
                  "expect": 'an IANA zone like "Europe/London"'},
    )  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class ShiftTables:
    """The shift plan's tables at the top of the file."""

    handover: HandoverTable = field(
        default_factory=HandoverTable, metadata={"doc": "The shift plan's time zone."}
    )
    shifts: tuple[ShiftTable, ...] | None = field(
        default=None,
        metadata={"doc": "Shifts tiling the day (default: Early 07–15, Late 15–23, Night "
                  "23–07).", "non_empty": True},
    )  # fmt: skip


def build_shift_plan(tables: ShiftTables) -> ShiftPlan:
    """The `ShiftPlan`; `Problem` when the shifts do not tile the day or the zone is
    unknown."""
    shifts: tuple[Shift, ...] = DEFAULT_SHIFTS
    if tables.shifts is not None:
        shifts = tuple(Shift(s.name.strip(), s.start, s.end) for s in tables.shifts)
    try:
        return ShiftPlan(shifts, tables.handover.timezone)
    except ShiftError as exc:
        key = "handover.timezone" if "time zone" in str(exc) else "shifts"
        raise Problem(key, str(exc)) from exc
