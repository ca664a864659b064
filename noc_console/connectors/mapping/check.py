"""Whether a connector's mapping fits its tenant: the `connectors test` lines about
statuses, priorities and tiers, and the mapping lines to paste for what is missing.

Every vendor's probe supplies only its vendor's lists — what the tenant has
(`Tenant`), what its open tickets use (`OpenUse`) and the names its connector would
write for a status (`status_names`) — and `check_mapping` turns them into the same
lines for every vendor:

- statuses / priorities: names the tenant has, or open tickets carry, that the
  mapping does not know — tickets with them are skipped at every sync (✘); ids on
  open tickets that the tenant's own lists lack are skipped too (✘, no suggestion);
- tiers: boards/queues/teams with open tickets that no tier maps, which therefore
  land in `default_tier` without a word (?: the test cannot know whether that is meant);
- status targets / priority targets / escalation: what triage writes (acknowledge,
  waiting on the customer, resolve; P1–P4; each tier) must name something the tenant
  has, else that action fails (✘).

Each line carries `Suggestion`s: the mapping lines that would fix it, valued by the
keyword rules of `mapping_guess`, or a `#` placeholder when they cannot tell, written
by `mapping_lines`. Tenant names are untrusted text: details quote them (`repr`, so a
control character or a bidi override shows as an escape).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from noc_console.connectors.base import Check, Suggestion
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.mapping.guess import guess_priority, guess_status, guess_tier
from noc_console.connectors.mapping.lines import guessed, line, quoted, status_out, unique
from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import Priority, Status, Tier

K = TypeVar("K")
R = TypeVar("R")

#: The statuses triage writes: acknowledge (A), waiting on the customer (W), resolve (R).
WRITTEN_STATUSES = (Status.ACKNOWLEDGED, Status.WAITING_CUSTOMER, Status.RESOLVED)
#: What a ticket's own tier field may hold (RT's tier custom field).
TIER_VALUES = frozenset(tier.value for tier in Tier)
SHOWN = 8  # names listed in one line, the rest counted


@dataclass(frozen=True, slots=True)
class TenantStatus:
    name: str
    closed: bool = False  # the tenant marks it closed (ConnectWise: closedStatus)


@dataclass(frozen=True, slots=True)
class Tenant:
    """What the tenant has; None where its API cannot list it (RT's lifecycles).

    `statuses` is keyed by scope: ConnectWise boards each have their own statuses, and
    its connector tries every name mapped to a status on the ticket's board; "" is the
    one scope of a tenant-wide list, whose connector writes the one name
    `FieldMapping.status_for` gives (so a missing target needs `status_out`)."""

    statuses: Mapping[str, Sequence[TenantStatus]] | None
    priorities: Sequence[str] | None
    tiers: Sequence[str] | None  # the boards / queues / teams a tier is mapped from
    tier_noun: str = "queue"  # "board", "queue", "team"
    scope_noun: str = ""  # "board" when statuses are per board


@dataclass
class OpenUse:
    """What the tenant's open tickets carry, counted (`add` one ticket at a time)."""

    statuses: Counter[tuple[str, str]] = field(default_factory=Counter)  # (scope, name)
    priorities: Counter[str] = field(default_factory=Counter)
    tiers: Counter[str] = field(default_factory=Counter)
    #: ids the tenant's own lists lack ("status id 99"): a mapping cannot fix those
    unlisted: Counter[str] = field(default_factory=Counter)
    tickets: int = 0

    def add(self, status: str | None = None, priority: str | None = None,
            tier: str | None = None, scope: str = "") -> None:  # fmt: skip
        """One open ticket; None leaves a field out (the vendor does not carry it)."""
        self.tickets += 1
        if status is not None:
            self.statuses[scope, status] += 1
        if priority is not None:
            self.priorities[priority] += 1
        if tier is not None:
            self.tiers[tier] += 1

    def unknown(self, what: str, value: object) -> None:
        """A ticket's `what` id that the tenant's own list lacks (`repr`: one line)."""
        self.unlisted[f"{what} id {repr(value)[:40]}"] += 1


def check_mapping(
    mapping: FieldMapping,
    tenant: Tenant,
    used: OpenUse,
    status_names: Callable[[Status], Sequence[str]] | None = None,
) -> list[Check]:
    """The mapping lines of a connection test, in order: statuses, status targets,
    priorities, priority targets, tiers, escalation (targets only where the tenant's
    lists are known)."""
    names = status_names or (lambda status: _first_name(mapping, status))
    checks = [_unlisted(used)] if used.unlisted else []
    checks.append(_statuses(mapping, tenant, used))
    if tenant.statuses is not None:
        checks.append(_status_targets(mapping, tenant.statuses, tenant.scope_noun, names))
    checks.append(_priorities(mapping, tenant, used))
    if tenant.priorities is not None:
        checks.append(_priority_targets(mapping, tenant.priorities))
    if tenant.tiers is not None or used.tiers:
        checks.append(_tiers(mapping, tenant, used))
    if tenant.tiers is not None:
        checks.append(_escalation(mapping, tenant.tiers, tenant.tier_noun))
    return checks


# ------------------------------------------------------------------ reading
def _unlisted(used: OpenUse) -> Check:
    found = _by_count(used.unlisted, used.unlisted)
    return Check("unknown ids", False, "open tickets carry ids the tenant's own lists do not "
                 "have (deleted there?), so they are skipped: "
                 + _listed(f"{n} ({_tickets(used.unlisted[n])})" for n in found))  # fmt: skip


def _statuses(mapping: FieldMapping, tenant: Tenant, used: OpenUse) -> Check:
    where: dict[str, set[str]] = {}  # unmapped name → scopes it is in
    counts: Counter[str] = Counter()
    listed = [(scope, s) for scope, found in (tenant.statuses or {}).items() for s in found]
    for scope, status in listed:
        if not status.closed and not _maps(mapping.status_of, status.name):
            where.setdefault(status.name, set()).add(scope)
    for (scope, name), count in used.statuses.items():
        if not _maps(mapping.status_of, name):
            where.setdefault(name, set()).add(scope)
            counts[name] += count
    if where:
        unmapped = [_with_count(n, counts[n], where[n], tenant.scope_noun)
                    for n in _by_count(where, counts)]  # fmt: skip
        return Check("statuses", False,
                     f"not mapped, so their tickets are skipped: {_listed(unmapped)}",
                     tuple(guessed("status", n, guess_status, Status)
                           for n in _by_count(where, counts)))  # fmt: skip
    checked = f"({_tickets(used.tickets)} checked)"
    if tenant.statuses is None:
        return Check("statuses", True, f"every open ticket's status maps {checked}")
    scopes = f" of {len(tenant.statuses)} {tenant.scope_noun}s" if tenant.scope_noun else ""
    return Check("statuses", True, f"every open status{scopes} maps {checked}")


def _priorities(mapping: FieldMapping, tenant: Tenant, used: OpenUse) -> Check:
    counts: Counter[str] = Counter()
    unmapped = {n for n in tenant.priorities or () if not _maps(mapping.priority_of, n)}
    for name, count in used.priorities.items():
        if not _maps(mapping.priority_of, name):
            unmapped.add(name)
            counts[name] += count
    if unmapped:
        order = _by_count(unmapped, counts)
        return Check("priorities", False, "not mapped, so their tickets are skipped: "
                     + _listed(_with_count(n, counts[n]) for n in order),
                     tuple(guessed("priority", n, guess_priority, Priority)
                           for n in order))  # fmt: skip
    known = f"all {len(tenant.priorities)} priorities map; " if tenant.priorities else ""
    return Check("priorities", True, f"{known}every open ticket's priority maps "
                 f"({_tickets(used.tickets)} checked)")  # fmt: skip


def _tiers(mapping: FieldMapping, tenant: Tenant, used: OpenUse) -> Check:
    noun, default = tenant.tier_noun, mapping.default_tier.value
    unmapped = {n: c for n, c in used.tiers.items() if n not in mapping.tier}
    if not unmapped:
        return Check("tiers", True, f"every {noun} with open tickets maps to a tier "
                     f"({len(used.tiers)} {noun}s)")  # fmt: skip
    order = _by_count(unmapped, Counter(unmapped))
    return Check("tiers", None, f"open tickets in {noun}s no tier is mapped from show as "
                 f"{default} (mapping.default_tier): "
                 + _listed(_with_count(n, unmapped[n]) for n in order),
                 tuple(guessed("tier", n, guess_tier, Tier) for n in order))  # fmt: skip


# ------------------------------------------------------------------ writing
def _status_targets(
    mapping: FieldMapping,
    statuses: Mapping[str, Sequence[TenantStatus]],
    scope_noun: str,
    names: Callable[[Status], Sequence[str]],
) -> Check:
    missing: list[str] = []
    suggestions: list[Suggestion] = []
    for wanted in WRITTEN_STATUSES:
        tried = list(names(wanted))
        for scope, found in statuses.items():
            if any(s.name in tried for s in found):
                continue
            where = f" on {scope_noun} {quoted(scope)}" if scope_noun else ""
            missing.append(f"{wanted.value}{where} (tried {_listed(map(quoted, tried), 4)})")
            suggestions.append(_target(mapping, wanted, tried, [s.name for s in found], where))
    if missing:
        return Check("status targets", False, "no status to write for "
                     + "; ".join(missing[:SHOWN]) + _more(missing) + " — that action fails",
                     unique(suggestions))  # fmt: skip
    return Check("status targets", True, "acknowledge, waiting on the customer and resolve "
                 "each write a status the tenant has" + (f" on every {scope_noun}"
                                                          if scope_noun else ""))  # fmt: skip


def _target(mapping: FieldMapping, wanted: Status, tried: Sequence[str],
            names: Sequence[str], where: str) -> Suggestion:  # fmt: skip
    """The line that makes one of `names` (a scope's statuses) written for `wanted`.

    Per scope (`where` says which) the connector tries every name mapped to `wanted` or
    to the statuses it falls back to (those `tried` maps to), so mapping a fitting name
    is enough; tenant-wide, it writes one name, so `status_out` must name it."""
    fits = {wanted, *(v for v in map(lambda n: _value(mapping.status_of, n), tried) if v)}
    for name in names:
        meaning = _value(mapping.status_of, name) or guess_status(name)
        if meaning in fits and meaning is not None:
            return line("status", name, meaning.value) if where else status_out(wanted, name)
    if where:
        return Suggestion("status", f"# no status{where} looks like {wanted.value}: map the "
                          f'one to write ("<status>" = "{wanted.value}"), or add one in the '
                          "PSA")  # fmt: skip
    return Suggestion("status_out", f'# {wanted.value} = "<status>"   (no status of this '
                      f"tenant looks like {wanted.value})")  # fmt: skip


def _priority_targets(mapping: FieldMapping, priorities: Sequence[str]) -> Check:
    missing: list[str] = []
    suggestions: list[Suggestion] = []
    for priority in Priority:
        written = _value(mapping.priority_for, priority)
        if written is not None and written in priorities:
            continue
        shown = quoted(written) if written is not None else "nothing mapped"
        missing.append(f"{priority.value} ({shown})")
        fits = [p for p in priorities if _value(mapping.priority_of, p) is priority
                or guess_priority(p) is priority]  # fmt: skip
        suggestions.append(line("priority", fits[0], priority.value) if fits else Suggestion(
            "priority", f'# "<priority>" = "{priority.value}"   (no priority of this tenant '
            f"looks like {priority.value})"))  # fmt: skip
    if missing:
        return Check("priority targets", False, "the tenant has no priority to write for "
                     f"{', '.join(missing)} — setting that priority fails",
                     unique(suggestions))  # fmt: skip
    return Check("priority targets", True, "P1–P4 each write a priority the tenant has")


def _escalation(mapping: FieldMapping, tiers: Sequence[str], noun: str) -> Check:
    missing: list[str] = []
    suggestions: list[Suggestion] = []
    for tier in Tier:
        mapped = [name for name, t in mapping.tier.items() if t is tier]
        if any(name in tiers for name in mapped):
            continue
        tried = f"mapped to it: {_listed(map(quoted, mapped), 4)}" if mapped else "none mapped"
        missing.append(f"{tier.value} ({tried})")
        fits = [n for n in tiers if n not in mapping.tier and guess_tier(n) is tier]
        suggestions.append(line("tier", fits[0], tier.value) if fits else Suggestion(
            "tier", f'# "<{noun}>" = "{tier.value}"   (no {noun} of this tenant looks like '
            f"{tier.value})"))  # fmt: skip
    if missing:
        return Check("escalation", False, f"no {noun} of this tenant for "
                     f"{'; '.join(missing)} — escalating there fails",
                     unique(suggestions))  # fmt: skip
    return Check("escalation", True, f"every tier has a {noun} of this tenant to escalate to")


# ------------------------------------------------------------------ helpers
def _first_name(mapping: FieldMapping, status: Status) -> list[str]:
    """What a connector writing `FieldMapping.status_for` writes for `status`."""
    name = _value(mapping.status_for, status)
    return [] if name is None else [name]


def _maps(read: Callable[[str], object], name: str) -> bool:
    return _value(read, name) is not None


def _value(read: Callable[[K], R], key: K) -> R | None:
    """What a `FieldMapping` look-up gives for `key`; None where it raises."""
    try:
        return read(key)
    except InvalidRecord:
        return None


def _with_count(name: str, count: int, scopes: Iterable[str] = (), noun: str = "") -> str:
    places = sorted(s for s in scopes if s)
    where = f", {noun} {_listed(map(quoted, places), 3)}" if noun and places else ""
    return f"{quoted(name)} ({_tickets(count)}{where})"


def _tickets(count: int) -> str:
    return f"{count} open ticket{'s' * (count != 1)}" if count else "no open ticket"


def _by_count(names: Iterable[str], counts: Mapping[str, int]) -> list[str]:
    """Most open tickets first, then by name."""
    return sorted(names, key=lambda n: (-counts.get(n, 0), n))


def _listed(items: Iterable[str], shown: int = SHOWN) -> str:
    found = list(items)
    return ", ".join(found[:shown]) + _more(found, shown) if found else "none"


def _more(found: Sequence[object], shown: int = SHOWN) -> str:
    return f" and {len(found) - shown} more" if len(found) > shown else ""
