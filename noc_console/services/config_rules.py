"""What a configuration value may be, declared next to the setting, checked in one place.

A setting's dataclass field carries its rule in `metadata` beside its "doc":

- `"range": (low, high)` — a finite number in `[low, high]` (a whole one for `int`
  fields); nan, infinities and out-of-range values are refused with the range;
- `"zero": "what 0 means"` — 0 is allowed outside the range (the vendor's default);
- `"choices": (a, b, …)` — one of these words (`one_of`);
- `"check": function` — for other values: returns why the value is wrong, or None.

The one reader (`config_reader.py`) asks `field_problem` for every value it reads, so a
rule is declared once and the message always names the allowed values. Values written
as text — durations, times of day — are read by `duration` and `time_of_day`, which
raise `Invalid` with what was expected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import Field
from datetime import time, timedelta
from typing import Any


def number_problem(
    value: Any, low: float, high: float, *, whole: bool = False, zero: str = ""
) -> str | None:
    """Why `value` is not a (whole, if `whole`) number from `low` to `high`, or None.
    With `zero` (what 0 means), 0 is allowed too."""
    allowed = f"must be a {'whole ' if whole else ''}number from {show(low)} to {show(high)}"
    if zero:
        allowed += f", or 0 ({zero})"
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        return f"{allowed}, not {value!r}"
    if zero and value == 0:
        return None
    if not math.isfinite(value) or not low <= value <= high:
        return f"is {show(value)}; {allowed}"
    return None


def field_problem(spec: Field[Any], value: Any) -> str | None:
    """Why `value` breaks the rule declared in `spec.metadata`, or None."""
    rule = spec.metadata
    if "range" in rule:
        low, high = rule["range"]
        problem = number_problem(
            value, low, high, whole=spec.type in ("int", int), zero=rule.get("zero", "")
        )
        if problem is not None:
            return problem
    if "choices" in rule:
        problem = one_of(*rule["choices"])(value)
        if problem is not None:
            return problem
    check = rule.get("check")
    return None if check is None else check(value)


def one_of(*allowed: str) -> Callable[[Any], str | None]:
    """A `check` accepting only `allowed` (a theme, an auth scheme)."""
    words = f"{', '.join(allowed[:-1])} or {allowed[-1]}"

    def check(value: Any) -> str | None:
        return None if value in allowed else f"is {value!r}; use {words}"

    return check


def show(number: float) -> str:
    """A number as a person writes it: 5, 0.5, 86400, 1e+308, nan."""
    return str(number) if isinstance(number, int) else format(number, "g")


class Invalid(Exception):
    """A value that cannot be read as its setting's type; the message says why."""


_DURATION = re.compile(r"^\s*(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?\s*$")
#: The longest target, escalation delay or open time: a year (and a leap day). Longer
#: ones are typos, and a business calendar would build a table for every day up to it.
MAX_DURATION = timedelta(days=366)
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def duration(value: Any) -> timedelta:
    """A duration written as "90s", "15m", "4h", "1d 2h" (at most `MAX_DURATION`)."""
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match or not any(match.groups()):
        raise Invalid(f'must be a duration like "15m", "4h", "1d 2h", not {value!r}')
    d, h, m, s = (int(g or 0) for g in match.groups())
    seconds = ((d * 24 + h) * 60 + m) * 60 + s  # exact: "99999999999d" must not overflow
    if seconds > MAX_DURATION.total_seconds():
        raise Invalid(f"is {value!r}; at most {MAX_DURATION.days} days")
    return timedelta(seconds=seconds)


def duration_text(value: timedelta) -> str:
    """A duration as `duration` reads it back: "90s" → "1m 30s", "1d 2h"."""
    seconds = int(value.total_seconds())
    parts: list[str] = []
    for unit, size in (("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size or (unit == "s" and not parts):
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return " ".join(parts)


def time_of_day(value: Any) -> time:
    """A wall-clock time "07:00" ("24:00" is midnight)."""
    match = _TIME.match(value) if isinstance(value, str) else None
    hour, minute = (int(g) for g in match.groups()) if match else (99, 99)
    if hour == 24 and minute == 0:
        return time(0, 0)
    if hour > 23 or minute > 59:
        raise Invalid(f'must be a time of day like "07:00", not {value!r}')
    return time(hour, minute)
