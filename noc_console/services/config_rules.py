"""What a configuration value may be, declared next to the setting, checked in one place.

A setting's dataclass field carries its rule in `metadata` beside its "doc":

- `"range": (low, high)` — a finite number in `[low, high]` (a whole one for `int`
  fields); nan, infinities and out-of-range values are refused with the range;
- `"zero": "what 0 means"` — 0 is allowed outside the range (the vendor's default);
- `"choices": (a, b, …)` — one of these words (`one_of`);
- `"check": function` — for other values: returns why the value is wrong, or None.

Every loader (`config.py` for the top level and `[[connectors]]`, `wall_config.py`,
`sla_config.TableReader.number` for numbers that are not dataclass fields) asks
`field_problem` or `number_problem`, so a rule is declared once and the message
always names the allowed values.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import Field
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
