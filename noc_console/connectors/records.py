"""What every connector does with a page of vendor records and with a changed field.

- `page_of` normalises one page record by record: a record that cannot be mapped is
  logged with its source id and skipped, and the rest of the page lands.
- `version_of` makes a version marker from a coarse change stamp: PSAs stamp changes
  to the second, so two changes within one second would otherwise look like none.
- `check_conflict` is the compare step of read-compare-write for APIs without ETags.
- `note_mark` is the short reference to an action's idempotency key that a note
  carries, so a retry can look for it before posting again.
- `shown` puts a vendor's value into a message people read: one line, not too long
  (every PSA field is untrusted text).
- `aware_utc` reads an ISO 8601 time that carries its offset (`Z`, `+00:00`, `+0000`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from noc_console.connectors.errors import Conflict
from noc_console.models.actions import Action
from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import Incident

NOTE_MARK = "NOC Console ref"
#: What converting one untrusted record may raise: a wrong type, a missing key, an
#: unparsable or overflowing number or date, `.get` on a string. Each skips the record.
RECORD_ERRORS = (InvalidRecord, LookupError, TypeError, ValueError, ArithmeticError,
                 AttributeError)  # fmt: skip


def page_of(
    items: Iterable[Any],
    convert: Callable[[dict[str, Any]], Incident],
    source: str,
    what: str,
    log: logging.Logger,
) -> tuple[list[Incident], list[str], list[str]]:
    """The incidents of one page, the ids of records skipped, and why (`what` names a
    record for people: "RT ticket", "ConnectWise ticket")."""
    incidents, skipped, problems = [], [], []
    for index, item in enumerate(items):
        try:
            if not isinstance(item, dict):
                raise InvalidRecord(f"not an object but {type(item).__name__} {item!r:.40}")
            incidents.append(convert(item))
        except RECORD_ERRORS as exc:
            record = _record_id(item, index)
            reason = _reason(exc)
            log.warning("%s: skipped %s %s: %s", source, what, record, reason,
                        exc_info=not isinstance(exc, InvalidRecord | ValueError))  # fmt: skip
            skipped.append(record)
            problems.append(f"{what} {record}: {reason}")
    return incidents, skipped, problems


def _record_id(item: Any, index: int) -> str:
    """The record's id as printable text, whatever the source sent."""
    raw = item.get("id") if isinstance(item, dict) else None
    if raw is None:
        return f"#{index + 1} of its page"
    text = raw if isinstance(raw, str) else repr(raw)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")[:80]


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, KeyError):
        text = f"missing field {text}"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")[:300]


def version_of(stamp: Any, record: Mapping[str, Any]) -> str:
    """`stamp` (the source's change time) plus a short digest of the whole record."""
    digest = hashlib.blake2b(json.dumps(record, sort_keys=True, default=str).encode(),
                             digest_size=6).hexdigest()  # fmt: skip
    return f"{stamp or ''}#{digest}"


def check_conflict(action: Action, current: Mapping[str, Any], message: str) -> None:
    """Raise `Conflict` with the source's values of the fields the technician saw
    differently (`action.expected`), unless the user chose "apply mine"."""
    if action.force:
        return
    theirs = {k: current[k] for k, seen in action.expected.items()
              if k in current and current[k] != seen}  # fmt: skip
    if theirs:
        raise Conflict(message, theirs)


def note_mark(action: Action) -> str:
    return f"{NOTE_MARK} {action.id[:12]}"


def shown(value: Any, limit: int = 80) -> str:
    """`value` for a one-line message: its enum value or text, control characters
    escaped (`\\n`), cut at `limit` characters with an ellipsis."""
    text = str(getattr(value, "value", value))
    line = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def aware_utc(value: Any) -> datetime | None:
    """An ISO 8601 time with its offset as aware UTC; empty means not set. A time
    without an offset is refused: whose clock it was read on cannot be told."""
    if not value:
        return None
    when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if when.tzinfo is None:
        raise InvalidRecord(f"time {shown(value)!r} has no offset")
    return when.astimezone(UTC)
