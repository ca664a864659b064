"""What read-compare-write connectors share when an API has no ETag or idempotency key.

- `check_conflict`: the technician saw `action.expected`; if the source's current
  value of any of those fields differs, raise `Conflict` with the source's values —
  unless the user chose "apply mine" (`action.force`). Fields the caller could not
  read are not compared.
- `note_mark`: a short reference to the action's idempotency key, appended to every
  note we post, so a retry can look for it in the ticket's notes before posting again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from noc_console.connectors.errors import Conflict
from noc_console.models.actions import Action

NOTE_MARK = "NOC Console ref"


def check_conflict(action: Action, current: Mapping[str, Any], message: str) -> None:
    if action.force:
        return
    theirs = {k: current[k] for k, seen in action.expected.items()
              if k in current and current[k] != seen}  # fmt: skip
    if theirs:
        raise Conflict(message, theirs)


def note_mark(action: Action) -> str:
    return f"{NOTE_MARK} {action.id[:12]}"
