"""Triage actions: what a technician does to an incident, as durable commands.

An action is created on the GUI thread, committed to the outbox before the board shows
it, applied optimistically to the local copy, and delivered to the source in order per
incident with its idempotency key. It records the version of the incident it was made
against and the values the technician saw for the fields it changes, so delivery can
tell "someone changed this in the PSA meanwhile" (a conflict) from "it moved on
elsewhere" (fine).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from noc_console.models.incident import Incident, IncidentKey, Priority, Status, Tier


class ActionKind(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    ASSIGN = "assign"  # payload: assignee (None takes it off everyone)
    PRIORITY = "priority"  # payload: impact, urgency, priority
    TIER = "tier"  # payload: tier (escalate or de-escalate)
    NOTE = "note"  # payload: text, internal (bool)
    STATUS = "status"  # payload: status
    RESOLVE = "resolve"  # payload: text (resolution note)
    LINK = "link"  # payload: refers_to (ids in the same source), reference (a major incident)


class ActionState(StrEnum):
    PENDING = "pending"  # not yet delivered; retried until it is, or fails
    DELIVERED = "delivered"
    FAILED = "failed"  # with a reason; `retryable` says whether retrying can help
    CONFLICT = "conflict"  # the source changed the same field; the user decides
    DISCARDED = "discarded"  # the user chose to drop it (e.g. kept the source's value)

    @property
    def settled(self) -> bool:
        return self in (ActionState.DELIVERED, ActionState.DISCARDED)


class FailureKind(StrEnum):
    """Why an action failed: it decides what may send it again without a person."""

    CREDENTIALS = "credentials"  # the source refused our credentials: goes again once they change
    REJECTED = "rejected"  # the source refused the action itself (validation, not found)


#: The incident fields each kind changes (notes change none, so never conflict).
CHANGED_FIELDS: Mapping[ActionKind, tuple[str, ...]] = {
    ActionKind.ACKNOWLEDGE: ("status",),
    ActionKind.ASSIGN: ("assignee",),
    ActionKind.PRIORITY: ("priority",),
    ActionKind.TIER: ("tier",),
    ActionKind.NOTE: (),
    ActionKind.STATUS: ("status",),
    ActionKind.RESOLVE: ("status",),
    ActionKind.LINK: (),
}


@dataclass(frozen=True, slots=True)
class Action:
    """One triage command; `id` is its idempotency key."""

    key: IncidentKey
    kind: ActionKind
    payload: Mapping[str, Any] = field(default_factory=dict)
    base_version: str = ""
    expected: Mapping[str, Any] = field(default_factory=dict)  # field → value the user saw
    created_at: datetime | None = None
    author: str = ""
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    force: bool = False  # "apply mine": deliver even if the source changed the field

    def changes(self) -> dict[str, Any]:
        """The incident fields this action sets, as stored values."""
        p = self.payload
        if self.kind is ActionKind.ACKNOWLEDGE:
            return {"status": Status.ACKNOWLEDGED.value}
        if self.kind is ActionKind.ASSIGN:
            return {"assignee": p.get("assignee")}
        if self.kind is ActionKind.PRIORITY:
            return {
                "priority": Priority(p["priority"]).value,
                "impact": int(p["impact"]),
                "urgency": int(p["urgency"]),
            }
        if self.kind is ActionKind.TIER:
            return {"tier": Tier(p["tier"]).value}
        if self.kind is ActionKind.STATUS:
            return {"status": Status(p["status"]).value}
        if self.kind is ActionKind.RESOLVE:
            return {"status": Status.RESOLVED.value}
        return {}


def action_fields(action: Action) -> dict[str, Any]:
    """An action as flat values: the outbox's columns, a desk spool's JSON."""
    return {
        "id": action.id,
        "source": action.key.source,
        "external_id": action.key.external_id,
        "kind": action.kind.value,
        "payload": dict(action.payload),
        "base_version": action.base_version,
        "expected": dict(action.expected),
        "author": action.author,
        "force": action.force,
        "created_at": action.created_at,
    }


def action_from_fields(values: Mapping[str, Any]) -> Action:
    """The action `action_fields` flattened."""
    return Action(
        key=IncidentKey(str(values["source"]), str(values["external_id"])),
        kind=ActionKind(values["kind"]),
        payload=values.get("payload") or {},
        base_version=str(values.get("base_version") or ""),
        expected=values.get("expected") or {},
        created_at=values.get("created_at"),
        author=str(values.get("author") or ""),
        id=str(values["id"]),
        force=bool(values.get("force")),
    )


@dataclass(frozen=True, slots=True)
class QueuedAction:
    """An action as the outbox holds it, with its delivery state."""

    seq: int
    action: Action
    state: ActionState
    attempts: int = 0
    in_flight: bool = False  # an attempt started and its outcome is unknown
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    retryable: bool = True
    failure: FailureKind | None = None  # set while FAILED
    theirs: Mapping[str, Any] = field(default_factory=dict)  # the source's values, on conflict
    delivered_version: str | None = None


def apply_to(incident: Incident, action: Action, when: datetime) -> Incident:
    """`incident` as it will be once `action` takes effect at `when` (optimistic view)."""
    changes: dict[str, Any] = {}
    for name, value in action.changes().items():
        if name == "status":
            status = Status(value)
            changes["status"] = status
            if status is not Status.NEW and incident.responded_at is None:
                changes["responded_at"] = when
            if not status.is_open and incident.resolved_at is None:
                changes["resolved_at"] = when
            if status.is_open:
                changes["resolved_at"] = None
        else:
            changes[name] = value
    return incident.evolve(**changes) if changes else incident
