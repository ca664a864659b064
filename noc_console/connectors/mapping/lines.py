"""The mapping lines a connection test suggests, as TOML to paste: each line under its
`[connectors.mapping.<table>]` header, tenant names as TOML strings that parse back to
exactly the name (escaped, never raw: a name cannot end its string, start a line or
reorder the terminal), and a `#` comment where the value is the user's to choose or
where TOML cannot hold the name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from noc_console.connectors.base import Suggestion
from noc_console.models.incident import Priority, Status, Tier

E = TypeVar("E", Status, Priority, Tier)

TABLES = ("status", "status_out", "priority", "tier")  # the order suggestions are shown in
LONGEST_KEY = 200  # a longer tenant name is not suggested (it is surely not a status)
LINES_PER_TABLE = 40  # suggested lines shown per mapping table


def as_toml(suggestions: Iterable[Suggestion]) -> list[str]:
    """The suggested lines under their table headers, each line once, the lines to
    paste before the placeholders to complete; at most `LINES_PER_TABLE` a table."""
    lines: list[str] = []
    found = list(suggestions)
    for table in TABLES:
        mine = sorted(unique(s for s in found if s.table == table),
                      key=lambda s: s.line.startswith("#"))  # fmt: skip
        if mine:
            lines.append(f"[connectors.mapping.{table}]")
            lines.extend(s.line for s in mine[:LINES_PER_TABLE])
            if len(mine) > LINES_PER_TABLE:
                lines.append(f"# … and {len(mine) - LINES_PER_TABLE} more: run the test "
                             "again once these are in")  # fmt: skip
    return lines


def guessed(table: str, name: str, guess: Callable[[str], E | None], kind: type[E]
            ) -> Suggestion:  # fmt: skip
    """`name` = what `guess` makes of it, or a placeholder listing `kind`'s values."""
    value = guess(name)
    if value is not None:
        return line(table, name, value.value)
    key = toml_string(name)
    if key is None:
        return unwritable(table, name)
    choices = ", ".join(member.value for member in kind)
    return Suggestion(table, f'# {key} = "?"   (unsure: one of {choices})')


def line(table: str, name: str, value: str) -> Suggestion:
    """`"name" = "value"` (a tenant's name as the key)."""
    key = toml_string(name)
    return unwritable(table, name) if key is None else Suggestion(table, f'{key} = "{value}"')


def status_out(wanted: Status, name: str) -> Suggestion:
    """`wanted = "name"` (a tenant's status written for `wanted`)."""
    value = toml_string(name)
    if value is None:
        return unwritable("status_out", name)
    return Suggestion("status_out", f"{wanted.value} = {value}")


def unwritable(table: str, name: str) -> Suggestion:
    if len(name) > LONGEST_KEY:
        why = f"a name of {len(name):,} characters is not suggested"
    else:
        why = "TOML cannot hold this name (a lone surrogate): rename it in the PSA"
    return Suggestion(table, f"# {quoted(name)}: {why}")


def toml_string(text: str) -> str | None:
    """`text` as a one-line TOML basic string, or None when TOML cannot hold it (a lone
    surrogate) or it is too long to be a name worth suggesting."""
    if len(text) > LONGEST_KEY:
        return None
    out = []
    for ch in text:
        if 0xD800 <= ord(ch) <= 0xDFFF:
            return None
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        else:  # control characters, line breaks, bidi overrides: escaped, never raw
            out.append(f"\\u{ord(ch):04X}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08X}")
    return '"' + "".join(out) + '"'


def quoted(name: str) -> str:
    """A tenant's name inside a one-line message or comment: `repr` shows control
    characters, line breaks and bidi overrides as escapes; capped."""
    return repr(name[:80]) + ("…" if len(name) > 80 else "")


def unique(suggestions: Iterable[Suggestion]) -> tuple[Suggestion, ...]:
    return tuple(dict.fromkeys(suggestions))
