"""How a source's statuses, priorities and queues map onto the normalised incident.

Each connector type ships defaults (`FieldMapping` constants in its module); the
configuration's `[connectors.mapping]` tables override them key by key, and an empty
value (`"2nd Line" = ""`) removes a default. Nothing in the board knows a vendor's
names. A value the mapping does not know raises `InvalidRecord` with a message naming
the value and the config key to add it under, so the record is logged and skipped and
the rest syncs.

Writing goes the other way: several source names may map to one value (the defaults'
"2nd Line" and a tenant's "NOC L2" both to L2), and the one written is chosen with the
configured entries first — the user named them because the tenant has them, while the
defaults only guess. Where the tenant's own list is known (boards, queues, teams), the
first of those names that exists there is written (`tier_target`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import Client, Priority, Status, Tier


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
    #: (table, source name) of the entries the configuration set: they win when writing.
    configured: frozenset[tuple[str, str]] = frozenset()

    def overridden(self, overrides: Mapping[str, Any]) -> FieldMapping:
        """These defaults with a config table's entries on top (validated by config).

        In `status`, `status_out`, `priority` and `tier`, an empty value (`""` or None)
        removes the entry, so a default the tenant does not want can be taken out."""
        merged: dict[str, Any] = {}
        configured = set(self.configured)
        for name in ("status", "status_out", "priority", "tier", "client"):
            if name in overrides:
                table = {**getattr(self, name), **overrides[name]}
                if name in REMOVABLE:
                    table = {k: v for k, v in table.items() if v not in ("", None)}
                merged[name] = table
                configured |= {(name, _key(k)) for k in overrides[name]}
        for name in ("default_client", "default_tier"):
            if name in overrides:
                merged[name] = overrides[name]
        return replace(self, **merged, configured=frozenset(configured))

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

    def clients(self, names: Iterable[str]) -> list[Client]:
        """The clients a source's company (organisation, client) names make: each mapped
        name once, named as the source names it, and `default_client` if set; a name
        the mapping refuses is left out (its tickets are skipped, and say so)."""
        found: dict[str, Client] = {}
        for name in names:
            try:
                client = self.client_of(name)
            except InvalidRecord:
                continue
            found.setdefault(client, Client(client, name))
        if self.default_client:
            found.setdefault(self.default_client, Client(self.default_client, self.default_client))
        return list(found.values())

    # ------------------------------------------------------------ writing
    def names_for(self, table: str, value: Status | Priority | Tier) -> list[str]:
        """The source names `table` maps to `value`, configured entries first."""
        names = [k for k, v in getattr(self, table).items() if v is value]
        return sorted(names, key=lambda k: (table, k) not in self.configured)

    def status_names(self, status: Status) -> list[str]:
        """The source's names for `status` in the order to write them: `status_out`
        (the write-side table), then the names `status` maps to it."""
        out = [self.status_out[status]] if status in self.status_out else []
        return [*out, *(n for n in self.names_for("status", status) if n not in out)]

    def status_for(self, status: Status) -> str:
        """The source's name for `status`: the first of `status_names`."""
        names = self.status_names(status)
        if not names:
            raise InvalidRecord(
                f"no source status for {status.value} (add it under mapping.status_out)"
            )
        return names[0]

    def priority_for(self, priority: Priority) -> str:
        """The source's value for `priority`, from the configured entries if any map to
        it, else the defaults: the largest numeric level, else the first name."""
        keys = self.names_for("priority", priority)
        mine = [k for k in keys if ("priority", k) in self.configured]
        keys = mine or keys
        numeric = sorted((float(k), k) for k in keys if _numeric(k))
        if numeric:
            return numeric[-1][1]
        if keys:
            return keys[0]
        raise InvalidRecord(f"no source priority for {priority.value} in mapping.priority")

    def tier_target(self, tier: Tier, tenant: Callable[[bool], Iterable[str]], vendor: str,
                    what: str) -> str:  # fmt: skip
        """The name to write for `tier` (a board, queue or team): the first mapped to it
        (configured first) that the tenant has. Names match exactly, as reading maps
        them: a name that would not read back as `tier` is no target. `tenant(fresh)`
        lists the tenant's names; it is asked again with `fresh=True` when none matches,
        so a list cached before someone added the board costs one request, not a failed
        action. `vendor`/`what` word the error ("HaloPSA", "team")."""
        wanted = self.names_for("tier", tier)
        known: list[str] = []
        for fresh in (False, True):
            known = list(tenant(fresh))
            found = next((name for name in wanted if name in known), None)
            if found is not None:
                return found
            if not wanted:
                break
        tried = f"mapped to {tier.value}: {_names(wanted)}" if wanted else "none is mapped"
        raise InvalidRecord(
            f"no {vendor} {what} for tier {tier.value} exists in this tenant ({tried}; "
            f"the tenant has: {_names(known)}); "
            f'set [connectors.mapping.tier] "<{what}>" = "{tier.value}"'
        )


def _numeric(key: str) -> bool:
    try:
        float(key)
    except ValueError:
        return False
    return True


#: Tables whose entries an empty configured value removes (they carry defaults).
REMOVABLE = frozenset({"status", "status_out", "priority", "tier"})
SHOWN_NAMES = 12  # names listed in an error, the rest counted


def _key(key: Any) -> str:
    return str(key.value if isinstance(key, Status) else key)


def _names(names: Iterable[str]) -> str:
    """Names for an error line: quoted (they are the tenant's untrusted text, so
    control characters show escaped and the line stays one line), at most a dozen."""
    listed = list(names)
    shown = ", ".join(repr(n[:80]) for n in listed[:SHOWN_NAMES])
    more = len(listed) - SHOWN_NAMES
    return (shown + (f" and {more} more" if more > 0 else "")) or "none"
