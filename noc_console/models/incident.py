"""The normalised incident that every connector produces (DESIGN.md §2).

Connectors map their vendor's JSON into `Incident`; the sync service writes it to the
store. Instances are immutable and validated on construction: a record that cannot be
represented raises `InvalidRecord` and is skipped by the caller, never half-stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from noc_console.models.clock import ensure_utc
from noc_console.models.errors import InvalidRecord
from noc_console.models.record_text import DESCRIPTION_MAX, SHORT_MAX, TITLE_MAX, clean


class Priority(StrEnum):
    """P1 is the most urgent; the value sorts in urgency order."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"

    @property
    def rank(self) -> int:
        return int(self.value[1])


class Tier(StrEnum):
    """Escalation tiers in the order incidents move up."""

    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    ENG = "ENG"

    def escalated(self) -> Tier:
        order = list(Tier)
        return order[min(order.index(self) + 1, len(order) - 1)]


class Status(StrEnum):
    """Normalised status; each source maps its own statuses onto these."""

    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    WAITING_CUSTOMER = "waiting_customer"
    WAITING_VENDOR = "waiting_vendor"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        return self not in (Status.RESOLVED, Status.CLOSED)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


#: Statuses that stop SLA clocks by default (a contract may choose others).
DEFAULT_PAUSING_STATUSES = frozenset({Status.WAITING_CUSTOMER, Status.WAITING_VENDOR})


class IncidentKey(NamedTuple):
    """Identity of an incident across the whole console: source system + its id."""

    source: str
    external_id: str

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


@dataclass(frozen=True, slots=True)
class Client:
    """A customer of the MSP, the SLA contract it bought and the business calendar its
    clocks run on (names; configuration may override both)."""

    id: str
    name: str
    contract: str = ""
    calendar: str = ""


_TIME_FIELDS = (
    "created_at",
    "updated_at",
    "responded_at",
    "resolved_at",
    "response_due",
    "resolution_due",
)
#: Times outside this range are a broken record, not an incident: SLA arithmetic on
#: year 1 or 9999 overflows, and a far-future change time would become the watermark.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
#: Identity fields: too long to be an id means not an id (never truncated).
_ID_FIELDS = ("source", "external_id", "client_id")
#: Free text: cleaned and capped (field, limit, one line).
_TEXT_FIELDS = (
    ("title", TITLE_MAX, True),
    ("source_status", SHORT_MAX, True),
    ("description", DESCRIPTION_MAX, False),
    ("category", SHORT_MAX, True),
    ("version", SHORT_MAX, True),
)


def _in_range(name: str, value: object) -> datetime:
    """`value` as aware UTC, between EARLIEST and LATEST."""
    if type(value) is datetime and value.tzinfo is UTC:  # what connectors parse: no work
        utc = value
    elif not isinstance(value, datetime):
        raise TypeError(f"{name} is {_kind(value)}, not a time")
    else:
        try:
            utc = ensure_utc(value)
        except OverflowError:  # year 1 with a positive offset is before year 1 in UTC
            raise ValueError(f"{name} {value.isoformat()} cannot be expressed in UTC") from None
    if not EARLIEST <= utc < LATEST:
        raise ValueError(f"{name} {utc.isoformat()} is outside {EARLIEST.year}–{LATEST.year}")
    return utc


def _kind(value: object) -> str:
    names = {dict: "an object", list: "a list", type(None): "missing", bool: "true/false"}
    return names.get(type(value), f"a {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class Incident:
    """One incident as the source system describes it, normalised.

    `response_due`/`resolution_due` are set only when the source supplies them; the
    store computes them from the client's contract otherwise. `version` is the
    source's change marker (ETag, lastUpdated, sys_mod_count); `raw` is the payload
    kept for audit.
    """

    source: str
    external_id: str
    client_id: str
    title: str
    status: Status
    priority: Priority
    created_at: datetime
    updated_at: datetime
    source_status: str = ""
    description: str = ""
    category: str = ""
    impact: int = 3
    urgency: int = 3
    tier: Tier = Tier.L1
    assignee: str | None = None
    responded_at: datetime | None = None
    resolved_at: datetime | None = None
    response_due: datetime | None = None
    resolution_due: datetime | None = None
    version: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        """Validate every field: a source record is untrusted input (see record_text).
        A field is set again only when checking changed it (most records pass as they
        are, and ingest builds 50,000 of them in a sync)."""
        put = object.__setattr__
        for name in _ID_FIELDS:
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise InvalidRecord(f"incident without {name}")
            if len(value) > SHORT_MAX:
                raise InvalidRecord(f"{name} is {len(value)} characters long (at most {SHORT_MAX})")
            cleaned = clean(value, SHORT_MAX)
            if cleaned is not value:
                put(self, name, cleaned)
        for name, limit, one_line in _TEXT_FIELDS:
            value = getattr(self, name)
            if not isinstance(value, str):
                raise InvalidRecord(f"{name} is {_kind(value)}, not text")
            cleaned = clean(value, limit, one_line)
            if cleaned is not value:
                put(self, name, cleaned)
        if self.assignee is not None:
            if not isinstance(self.assignee, str):
                raise InvalidRecord(f"assignee is {_kind(self.assignee)}, not text")
            put(self, "assignee", clean(self.assignee, SHORT_MAX, True) or None)
        try:
            for name, kind in _ENUM_FIELDS:
                value = getattr(self, name)
                if type(value) is not kind:
                    put(self, name, kind(value))
            for name in _TIME_FIELDS:
                value = getattr(self, name)
                if value is not None:
                    utc = _in_range(name, value)
                    if utc is not value:
                        put(self, name, utc)
        except (ValueError, TypeError, OverflowError) as exc:
            raise InvalidRecord(f"{exc}") from exc
        for name in ("impact", "urgency"):
            value = getattr(self, name)
            if type(value) is not int or not 1 <= value <= 3:
                raise InvalidRecord(f"{name} is {value!r:.40}; it must be 1 (high) to 3 (low)")
        if not isinstance(self.raw, dict):
            raise InvalidRecord(f"raw payload is {_kind(self.raw)}, not an object")

    @property
    def key(self) -> IncidentKey:
        return IncidentKey(self.source, self.external_id)

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    def evolve(self, **changes: Any) -> Incident:
        """A copy with `changes` applied and validated again."""
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of every field but `raw` (the cache keeps the source's last
        word this way; the raw payload has a column of its own)."""
        data = {name: getattr(self, name) for name in _PLAIN_FIELDS}
        for name, _kind_of in _ENUM_FIELDS:
            data[name] = getattr(self, name).value
        for name in _TIME_FIELDS:
            value = getattr(self, name)
            data[name] = None if value is None else value.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], raw: dict[str, Any] | None = None) -> Incident:
        """The incident `to_json` wrote; `raw` is its payload (snapshots written before
        the payload had its own column hold it themselves)."""
        values = dict(data)
        for name in _TIME_FIELDS:
            if values.get(name) is not None:
                values[name] = datetime.fromisoformat(values[name])
        if "raw" not in values:
            values["raw"] = raw if raw is not None else {}
        return cls(**values)


_ENUM_FIELDS: tuple[tuple[str, type[StrEnum]], ...] = (
    ("status", Status),
    ("priority", Priority),
    ("tier", Tier),
)
_PLAIN_FIELDS = tuple(
    name
    for name in Incident.__dataclass_fields__
    if name not in _TIME_FIELDS and name != "raw" and name not in dict(_ENUM_FIELDS)
)
