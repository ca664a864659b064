"""How a source's statuses, priorities and queues map onto the normalised incident.

Each connector type ships defaults (`FieldMapping` constants in its module); the
configuration's `[connectors.mapping]` tables override them key by key. Nothing in
the board knows a vendor's names. A value the mapping does not know raises
`InvalidRecord` with a message naming the value and the config key to add it under,
so the record is logged and skipped and the rest syncs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import Priority, Status, Tier


@dataclass(frozen=True, slots=True)
class FieldMapping:
    """Source names → normalised values, and back for write-back.

    `priority` keys are the source's names, or numbers (as strings) read as
    thresholds: a numeric source priority maps to the entry with the largest key
    not above it. `client`/`tier` are keyed by the source's queue or board; an empty
    `client` table means "each queue is a client".
    """

    status: Mapping[str, Status] = field(default_factory=dict)
    status_out: Mapping[Status, str] = field(default_factory=dict)
    priority: Mapping[str, Priority] = field(default_factory=dict)
    tier: Mapping[str, Tier] = field(default_factory=dict)
    client: Mapping[str, str] = field(default_factory=dict)
    default_client: str = ""
    default_tier: Tier = Tier.L1

    def overridden(self, overrides: Mapping[str, Any]) -> FieldMapping:
        """These defaults with a config table's entries on top (validated by config)."""
        merged: dict[str, Any] = {}
        for name in ("status", "status_out", "priority", "tier", "client"):
            if name in overrides:
                merged[name] = {**getattr(self, name), **overrides[name]}
        for name in ("default_client", "default_tier"):
            if name in overrides:
                merged[name] = overrides[name]
        return replace(self, **merged)

    # ------------------------------------------------------------ reading
    def status_of(self, name: str) -> Status:
        try:
            return self.status[name]
        except KeyError:
            raise InvalidRecord(
                f"status {name!r} is not mapped (add it under mapping.status)"
            ) from None

    def priority_of(self, value: str) -> Priority:
        if value in self.priority:
            return self.priority[value]
        try:
            number = float(value)
        except ValueError:
            raise InvalidRecord(
                f"priority {value!r} is not mapped (add it under mapping.priority)"
            ) from None
        levels = sorted((float(k), p) for k, p in self.priority.items() if _numeric(k))
        below = [p for level, p in levels if level <= number]
        if not below:
            raise InvalidRecord(f"priority {value!r} is below every level in mapping.priority")
        return below[-1]

    def client_of(self, queue: str) -> str:
        if not self.client:
            return queue
        client = self.client.get(queue) or self.default_client
        if not client:
            raise InvalidRecord(
                f"queue {queue!r} is not mapped to a client (add it under mapping.client, "
                "or set mapping.default_client)"
            )
        return client

    def tier_of(self, queue: str) -> Tier:
        return self.tier.get(queue, self.default_tier)

    # ------------------------------------------------------------ writing
    def status_for(self, status: Status) -> str:
        """The source's name for `status`: `status_out`, else the first mapped to it."""
        if status in self.status_out:
            return self.status_out[status]
        for name, mapped in self.status.items():
            if mapped is status:
                return name
        raise InvalidRecord(
            f"no source status for {status.value} (add it under mapping.status_out)"
        )

    def priority_for(self, priority: Priority) -> str:
        """The source's value for `priority`: the largest numeric level, else the name."""
        keys = [k for k, p in self.priority.items() if p is priority]
        numeric = sorted((float(k), k) for k in keys if _numeric(k))
        if numeric:
            return numeric[-1][1]
        if keys:
            return keys[0]
        raise InvalidRecord(f"no source priority for {priority.value} in mapping.priority")


def _numeric(key: str) -> bool:
    try:
        float(key)
    except ValueError:
        return False
    return True
