"""One reader for every table of the configuration file: parsed TOML in, typed frozen
dataclasses out, or one `ConfigError` naming the file, the full key and the problem.

A section is a frozen dataclass; each field is a key, read by its annotated type:
`bool`, `int`, `float` (an integer is a number too), `str`, `date`; an `Enum` (one of
its values); `timedelta` (a duration, "15m") and `time` (a time of day, "07:00"); a
dataclass (a table of its own); `tuple[X, ...]` (an array; of tables when X is a
dataclass); `dict[str, X]` (a table of named entries, `sla.calendars.<name>`); `X | None`
(absent means None). A field without a default is required. Field `metadata` says the
rest, so each setting is declared once, next to its description:

- `"doc"`: what the key means (the reference table of docs/configuration.md);
- `"range"`, `"zero"`, `"check"`: the allowed values (config_rules.field_problem; for an
  array, each item); `"unique"`, `"non_empty"`, `"length"`: for arrays;
- `"expect"`: what the value must be, said when its shape is wrong;
- `"required"`: a hint after "is required";
- `"parse"`: reads a value (each item of an array or named table) written as text,
  raising `config_rules.Invalid`; `"keys"`: why a name of a named table is wrong, or None;
- `"names"`: a `NameRef` — the value names an entry of another table of the file;
- `"group"`: a dataclass whose fields are keys of this same table (the SLA's top-level
  tables), `"build"`: turns what was read into the domain value (`BusinessCalendar`,
  `ShiftPlan`), raising `Problem` with the key;
- `"read"`: a reader of its own (`[[connectors]]`); `"not_a_key"`: not in the file.

Types and rules are checked before cross-references, and keys in file order, so the
first mistake in the file is the one named.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, Field, dataclass, fields, is_dataclass
from datetime import date, time, timedelta
from typing import Any, TypeVar

from noc_console.models.errors import ConfigError
from noc_console.services.config_rules import Invalid, duration, field_problem, time_of_day

T = TypeVar("T")
FILE_KEY = "(file)"  # the key named when the problem is the file as a whole

#: What a scalar of each type must be, in the words of an error message.
_WORDS: dict[Any, str] = {
    bool: "bool (true or false)",
    int: "a whole number",
    float: "a number",
    str: "a string",
    date: "a date (2026-12-24, unquoted)",
}
_PARSERS: dict[Any, Callable[[Any], Any]] = {timedelta: duration, time: time_of_day}


class Problem(Exception):
    """A mistake found after reading (a cross-field rule, a calendar that cannot be
    built), at its full key."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


@dataclass(frozen=True, slots=True)
class NameRef:
    """The value names an entry of the table at `path` (dotted, from the top of the
    file) or one of `builtin`; `what` is the entry's kind, for the message."""

    path: str
    what: str
    builtin: Mapping[str, object]


def read_table(cls: type[T], data: Any, where: str, key: str = "") -> T:
    """`data` (a parsed TOML table at `key`) as a `cls`; `ConfigError` on a mistake."""
    return _Reader(where, data).table(cls, data, key)


def toml_keys(cls: type[Any]) -> dict[str, Field[Any]]:
    """The keys a table of `cls` may hold (a group's keys are its owner's)."""
    return _declared(cls)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


_HINTS: dict[type[Any], dict[str, Any]] = {}
_DECLARED: dict[type[Any], dict[str, Field[Any]]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _declared(cls: type[Any]) -> dict[str, Field[Any]]:
    if cls in _DECLARED:
        return _DECLARED[cls]
    declared: dict[str, Field[Any]] = {}
    for spec in fields(cls):
        if spec.metadata.get("not_a_key"):
            continue
        if "group" in spec.metadata:
            declared.update(_declared(spec.metadata["group"]))
        else:
            declared[spec.name] = spec
    _DECLARED[cls] = declared
    return declared


def _optional(kind: Any) -> Any:
    """`X` of `X | None`."""
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
        (inner,) = (a for a in typing.get_args(kind) if a is not type(None))
        return inner
    return kind


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Reader:
    def __init__(self, where: str, root: Any) -> None:
        self.where = where
        self.root = root

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.where, key or FILE_KEY, problem)

    def table(self, cls: type[T], data: Any, key: str) -> T:
        if not isinstance(data, dict):
            raise self.fail(key, "must be a table")
        declared = _declared(cls)
        for name in data:
            if name not in declared:
                known = ", ".join(sorted(declared))
                raise self.fail(_join(key, name), f"unknown key (known keys: {known})")
        return self._fill(cls, data, key)

    def _fill(self, cls: type[T], data: dict[str, Any], key: str) -> T:
        values: dict[str, Any] = {}
        for spec in fields(cls):  # type: ignore[arg-type]
            rule = spec.metadata
            if rule.get("not_a_key"):
                continue
            name_key = _join(key, spec.name)
            if "group" in rule:
                value = self._fill(rule["group"], data, key)
            elif "read" in rule:
                value = rule["read"](data.get(spec.name), self.where, name_key)
            elif spec.name in data:
                value = self._value(_optional(_hints(cls)[spec.name]), spec, data[spec.name],
                                    name_key)  # fmt: skip
            elif spec.default is MISSING and spec.default_factory is MISSING:
                hint = rule.get("required")
                raise self.fail(name_key, f"is required ({hint})" if hint else "is required")
            else:
                continue
            if "build" in rule:
                try:
                    value = rule["build"](value)
                except Problem as exc:
                    raise self.fail(exc.key, exc.problem) from None
            values[spec.name] = value
        return cls(**values)

    def _value(self, kind: Any, spec: Field[Any], value: Any, key: str) -> Any:
        origin = typing.get_origin(kind)
        if origin is tuple:
            return self._array(typing.get_args(kind)[0], spec, value, key)
        if origin is dict:
            return self._named(typing.get_args(kind)[1], spec, value, key)
        return self._item(kind, spec, value, key, key)

    def _array(self, kind: Any, spec: Field[Any], value: Any, key: str) -> tuple[Any, ...]:
        rule = spec.metadata
        if is_dataclass(kind):
            nonempty = "a non-empty " if rule.get("non_empty") else "an "
            expect = f"{nonempty}array of tables ([[{key.rpartition('.')[2]}]])"
        else:
            expect = rule.get("expect", "an array")
        wrong_length = "length" in rule and isinstance(value, list) and len(value) != rule["length"]
        if not isinstance(value, list) or (rule.get("non_empty") and not value) or wrong_length:
            raise self.fail(key, f"must be {expect}")
        items = []
        for i, item in enumerate(value):
            read = self._item(kind, spec, item, f"{key}[{i}]", key)
            if rule.get("unique") and read in items:
                raise self.fail(f"{key}[{i}]", f"{item!r} is listed twice")
            items.append(read)
        return tuple(items)

    def _named(self, kind: Any, spec: Field[Any], value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        check_name = spec.metadata.get("keys")
        named = {}
        for name, item in value.items():
            problem = check_name(name) if check_name else None
            if problem is not None:
                raise self.fail(f"{key}.{name}", problem)
            named[name] = self._item(kind, spec, item, f"{key}.{name}", key)
        return named

    def _item(self, kind: Any, spec: Field[Any], value: Any, key: str, field_key: str) -> Any:
        """One value at `key`; a value of the wrong type is named at `field_key` (the
        whole array, as "must be a list of dates")."""
        rule = spec.metadata
        parse = rule.get("parse") or _PARSERS.get(kind)
        if parse is not None:
            try:
                read = parse(value)
            except Invalid as exc:
                raise self.fail(key, str(exc)) from None
            check = rule.get("check")  # a rule on what was read ("at least 5 seconds")
            problem = None if check is None else check(read)
            if problem is not None:
                raise self.fail(key, problem)
            return read
        if is_dataclass(kind):
            return self.table(typing.cast(type[Any], kind), value, key)
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            try:
                return kind(value)
            except ValueError:
                allowed = ", ".join(str(v.value) for v in kind)
                raise self.fail(key, f"{_shown(value)} is not one of {allowed}") from None
        ranged = "range" in rule and kind in (int, float)  # its rule names the type
        if not ranged and not _is(kind, value):
            expect = rule.get("expect", _WORDS.get(kind, getattr(kind, "__name__", "?")))
            raise self.fail(field_key, f"must be {expect}, not {_shown(value)}")
        problem = field_problem(spec, value)
        if problem is not None:
            raise self.fail(key, problem)
        ref = rule.get("names")
        if ref is not None:
            self._refers(ref, value, key)
        return float(value) if kind is float else value

    def _refers(self, ref: NameRef, value: Any, key: str) -> None:
        table: Any = self.root
        for part in ref.path.split("."):
            table = table.get(part, {}) if isinstance(table, dict) else {}
        known = [*ref.builtin, *(table if isinstance(table, dict) else ())]
        if value not in known:
            raise self.fail(key, f"no {ref.what} named {value!r} (known: {', '.join(known)})")


def _is(kind: Any, value: Any) -> bool:
    if kind is Any:
        return True
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)
