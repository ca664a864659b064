"""Autotask's JSON query filter, evaluated against a record, for the Autotask fake.

A filter is a list of items, all of which must hold; an item is a comparison
`{"op": "gt", "field": "lastActivityDate", "value": "2026-…Z"}` or a group
`{"op": "or" | "and", "items": [ … ]}`. Operators (🔧 n8n-nodes-autotask, ✅ vendor page
"Making basic query calls"): eq, noteq, gt, gte, lt, lte, beginsWith, endsWith, contains,
exist, notExist, in, notIn. Field names ignore case (apigrate README); string comparisons
ignore case too (SQL Server). Datetimes compare as instants whatever their precision;
numbers compare as numbers even when the filter sends them as strings.

A bad filter raises `QueryError`, which the fake answers with the vendor's error body.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

Record = dict[str, Any]
COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: bool(a == b),
    "noteq": lambda a, b: bool(a != b),
    "gt": lambda a, b: a is not None and a > b,
    "gte": lambda a, b: a is not None and a >= b,
    "lt": lambda a, b: a is not None and a < b,
    "lte": lambda a, b: a is not None and a <= b,
    "beginswith": lambda a, b: str(a or "").startswith(b),
    "endswith": lambda a, b: str(a or "").endswith(b),
    "contains": lambda a, b: b in str(a or ""),
}


class QueryError(ValueError):
    pass


def compile_filter(items: Any, fields: list[str]) -> Callable[[Record], bool]:
    if not isinstance(items, list) or not items:
        raise QueryError("A query requires at least one filter condition.")
    names = {name.lower(): name for name in fields}
    checks = [_item(item, names) for item in items]
    return lambda record: all(check(record) for check in checks)


def _item(item: Any, names: dict[str, str]) -> Callable[[Record], bool]:
    if not isinstance(item, dict) or not isinstance(item.get("op"), str):
        raise QueryError(f"Invalid filter item: {item!r}")
    op = item["op"].lower()
    if op in ("and", "or"):
        inner = [_item(i, names) for i in item.get("items") or []]
        if not inner:
            raise QueryError(f"'{op}' needs items")
        combine = all if op == "and" else any
        return lambda record: combine(check(record) for check in inner)
    field = names.get(str(item.get("field", "")).lower())
    if field is None:
        raise QueryError(f"Unable to find {item.get('field')!r} in the entity's fields.")
    if op in ("exist", "notexist"):
        wanted = op == "exist"
        return lambda record: (record.get(field) not in (None, "")) == wanted
    if op in ("in", "notin"):
        values = item.get("value")
        if not isinstance(values, list):
            raise QueryError(f"'{op}' needs a list value")
        inside = op == "in"
        return lambda record: any(_equal(record.get(field), v) for v in values) == inside
    if op not in COMPARE or "value" not in item:
        raise QueryError(f"Invalid operator or missing value in {item!r}")
    compare, value = COMPARE[op], item["value"]

    def check(record: Record) -> bool:
        actual, wanted = _coerce(record.get(field), value)
        try:
            return compare(actual, wanted)
        except TypeError:
            return False

    return check


def _equal(actual: Any, wanted: Any) -> bool:
    a, b = _coerce(actual, wanted)
    return bool(a == b)


def _coerce(actual: Any, wanted: Any) -> tuple[Any, Any]:
    """Bring the record's value and the filter's value to one comparable type."""
    if actual is None:
        return None, wanted
    if isinstance(actual, bool):
        return actual, str(wanted).lower() == "true" if isinstance(wanted, str) else wanted
    if isinstance(actual, int | float):
        try:
            return actual, float(wanted)
        except (TypeError, ValueError):
            raise QueryError(f"{wanted!r} is not a number") from None
    if isinstance(actual, str) and len(actual) >= 19 and actual[10:11] == "T":
        return at_parse(actual), at_parse(str(wanted))
    return str(actual).lower(), str(wanted).lower()


def at_parse(text: str) -> datetime:
    """`2026-11-25T14:00:00.123Z`, `…00Z`, or naive (taken as UTC: AT stores UTC)."""
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise QueryError(f"{text!r} is not a date") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def at_time(value: datetime) -> str:
    """Autotask's wire format: UTC with milliseconds."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
