"""Helpers for write-back to sources without ETags or idempotency keys.

Such sources are written read-compare-write: read the record, compare the fields the
action changes with what the technician saw (`check_conflict`), write, read back.
Notes cannot be compared, so each carries a short reference to the action's
idempotency key (`note_mark`), which a retry looks for before posting again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from noc_console.connectors.errors import Conflict
from noc_console.models.actions import Action

NOTE_MARK = "NOC Console ref"


def note_mark(action: Action) -> str:
    """The reference a note of `action` carries: short, unique enough, greppable."""
    return f"{NOTE_MARK} {action.id[:12]}"


def check_conflict(action: Action, current: Mapping[str, Any], message: str) -> None:
    """Raise `Conflict(message, theirs)` when a field the technician saw has moved in the
    source since (`current` holds the source's normalised values); `force` skips it."""
    if action.force:
        return
    theirs = {k: current[k] for k, seen in action.expected.items()
              if k in current and current[k] != seen}  # fmt: skip
    if theirs:
        raise Conflict(message, theirs)
