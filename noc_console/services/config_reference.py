"""The reference table of every configuration key, made from the declarations.

docs/configuration.md carries this table between two markers, and a test compares it
with `reference()`, so the documented keys, defaults and descriptions cannot drift
from what the reader accepts. `[[connectors]]` are documented per type in
docs/connectors.md.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Iterator
from dataclasses import MISSING, Field, fields, is_dataclass
from datetime import timedelta
from typing import Any

from noc_console.services.config import Config
from noc_console.services.config_rules import show

BEGIN = "<!-- reference: generated from the declarations; check: tests/services/test_config_reference.py -->"  # noqa: E501 (one marker line)
END = "<!-- end of reference -->"


def reference() -> str:
    """The Markdown table: key, default, description."""
    lines = ["| key | default | description |", "|---|---|---|"]
    for key, default, doc in _rows(Config, ""):
        lines.append(f"| `{key}` | {default} | {doc} |")
    return "\n".join(lines)


def _rows(cls: type[Any], prefix: str) -> Iterator[tuple[str, str, str]]:
    hints = typing.get_type_hints(cls)
    for spec in fields(cls):
        rule = spec.metadata
        if rule.get("not_a_key"):
            continue
        if "group" in rule:
            yield from _rows(rule["group"], prefix)
            continue
        key = f"{prefix}{spec.name}"
        kind = _inner(hints[spec.name])
        origin = typing.get_origin(kind)
        args = typing.get_args(kind)
        item = args[0] if origin is tuple else args[-1] if origin is dict else None
        if is_dataclass(kind):
            yield from _rows(typing.cast(type[Any], kind), f"{key}.")
        elif origin is dict and is_dataclass(item):
            yield from _rows(typing.cast(type[Any], item), f"{key}.<name>.")
        elif origin is tuple and is_dataclass(item):
            yield from _rows(typing.cast(type[Any], item), f"{key}[].")
        else:
            yield key, _default(spec), _cell(rule.get("doc", "") + _allowed(spec))


def _allowed(spec: Field[Any]) -> str:
    if "range" not in spec.metadata:
        return ""
    low, high = spec.metadata["range"]
    zero = spec.metadata.get("zero")
    return f" ({show(low)}–{show(high)}{f'; 0: {zero}' if zero else ''})"


def _inner(kind: Any) -> Any:
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    return args[0] if typing.get_origin(kind) in (typing.Union, type(int | None)) else kind


def _default(spec: Field[Any]) -> str:
    if spec.default is not MISSING:
        return _shown(spec.default)
    if spec.default_factory is not MISSING:
        return _shown(spec.default_factory())
    return "required"


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, enum.Enum):
        return f'`"{value.value}"`'
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, timedelta):
        return f'`"{_duration(value)}"`'
    if isinstance(value, tuple):
        return "`[" + ", ".join(_shown(v).strip("`") for v in value) + "]`"
    if isinstance(value, dict):
        return "`{}`" if not value else "`{…}`"
    return f"`{value}`"


def _duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


if __name__ == "__main__":  # print the table, to paste into docs/configuration.md
    print(reference())
