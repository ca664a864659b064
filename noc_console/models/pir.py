"""The post-incident review (PIR) of a major incident: what we learnt and what we do.

The facts (times, the timeline, the children, the updates sent) come from the record
and its events; the review adds what people write: the root cause, contributing
factors, and actions, each with an owner and a due date. Each save is a `review` event
on the record's timeline carrying the whole review (`to_detail`), so every edit is kept
and the latest is the review; `from_detail` reads it back tolerantly (stored JSON is
untrusted: a value of the wrong shape reads as empty, never as an error).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class PirAction:
    """Something we will do so it does not happen again."""

    text: str
    owner: str
    due: date
    done: bool = False

    def overdue(self, today: date) -> bool:
        return not self.done and self.due < today


@dataclass(frozen=True, slots=True)
class Review:
    """What people wrote in the review; `closed` once it was held and signed off."""

    root_cause: str = ""
    contributing_factors: tuple[str, ...] = ()
    actions: tuple[PirAction, ...] = ()
    closed: bool = False

    def overdue(self, today: date) -> list[PirAction]:
        return [a for a in self.actions if a.overdue(today)]

    def problems(self) -> list[str]:
        """Why this review cannot be saved (empty: it can)."""
        found = []
        for number, action in enumerate(self.actions, 1):
            if not action.text.strip():
                found.append(f"action {number} has no text: say what will be done")
            if not action.owner.strip():
                found.append(f"action {number} has no owner: name who does it")
        if self.closed and not self.root_cause.strip():
            found.append("a review is closed with its root cause: write it first")
        return found

    def to_detail(self) -> dict[str, Any]:
        return {
            "root_cause": self.root_cause,
            "contributing_factors": list(self.contributing_factors),
            "actions": [
                {"text": a.text, "owner": a.owner, "due": a.due.isoformat(), "done": a.done}
                for a in self.actions
            ],
            "closed": self.closed,
        }

    @classmethod
    def from_detail(cls, detail: Mapping[str, Any]) -> Review:
        factors = detail.get("contributing_factors")
        actions = detail.get("actions")
        return cls(
            root_cause=_text(detail.get("root_cause")),
            contributing_factors=tuple(
                _text(f) for f in (factors if isinstance(factors, list) else []) if _text(f)
            ),
            actions=tuple(
                a for a in map(_action, actions if isinstance(actions, list) else []) if a
            ),
            closed=detail.get("closed") is True,
        )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _action(value: object) -> PirAction | None:
    if not isinstance(value, dict):
        return None
    try:
        due = date.fromisoformat(_text(value.get("due")))
    except ValueError:
        return None
    return PirAction(_text(value.get("text")), _text(value.get("owner")), due,
                     value.get("done") is True)  # fmt: skip
