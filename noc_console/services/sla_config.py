"""The SLA part of the configuration file: calendars, contracts, clients, matrix,
thresholds, escalation rules and major-incident criteria (see docs/sla.md).

Declared once below as typed tables, read by `config_reader.py` (types, ranges, names
of calendars and contracts, unknown keys); `build_sla` then makes the domain objects of
the models layer (`BusinessCalendar`, `SlaContract`, `SlaPolicy`). Everything is
optional; what is not configured keeps the models' defaults, which the declarations
take their defaults from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from noc_console.models.contract import (
    DEFAULT_CALENDARS,
    DEFAULT_CONTRACTS,
    ClientOverride,
    ClockTarget,
    SlaContract,
    SlaPolicy,
    SlaTarget,
)
from noc_console.models.escalation import DEFAULT_RULES, EscalationPolicy, MajorIncidentCriteria
from noc_console.models.incident import DEFAULT_PAUSING_STATUSES, Priority, Status, Tier
from noc_console.models.major_incident import DEFAULT_CADENCE, UpdateCadence
from noc_console.models.priority import DEFAULT_MATRIX, PriorityMatrix
from noc_console.models.sla import BusinessCalendar, CalendarError
from noc_console.models.sla_clock import SlaThresholds
from noc_console.services.config_reader import NameRef, Problem
from noc_console.services.config_rules import Invalid

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_GROUPS = {"weekdays": range(5), "weekend": range(5, 7), "everyday": range(7)}
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_THRESHOLDS = SlaThresholds()
_MAJOR = MajorIncidentCriteria()
CALENDAR = NameRef("sla.calendars", "calendar", DEFAULT_CALENDARS)
CONTRACT = NameRef("sla.contracts", "contract", DEFAULT_CONTRACTS)
Intervals = tuple[tuple[time, time], ...]


@dataclass(frozen=True, slots=True)
class SlaSettings:
    """What the SLA tables configure, as the models layer uses it."""

    policy: SlaPolicy = field(
        default_factory=lambda: SlaPolicy(DEFAULT_CONTRACTS, DEFAULT_CALENDARS)
    )
    matrix: PriorityMatrix = field(default_factory=lambda: DEFAULT_MATRIX)
    escalation: EscalationPolicy = field(default_factory=EscalationPolicy)
    major_incident: MajorIncidentCriteria = field(default_factory=MajorIncidentCriteria)
    #: A declared major incident's client update cadence (`[major_incident] update_every`).
    cadence: UpdateCadence = DEFAULT_CADENCE


def day_problem(name: str) -> str | None:
    if name in DAYS or name in DAY_GROUPS:
        return None
    return f"is not a day ({', '.join(DAYS)}, {', '.join(DAY_GROUPS)})"


def intervals(text: Any) -> Intervals:
    """Opening hours of a day: "08:00-12:00, 13:00-17:00"."""
    if not isinstance(text, str):
        raise Invalid('must be a string like "08:00-12:00, 13:00-17:00"')
    read = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = _INTERVAL.match(part)
        if not match:
            raise Invalid(f'{part!r} is not an interval like "08:00-18:00"')
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            raise Invalid(f"{part!r} is not a time of day")
        read.append((time(h1, m1), time(h2 % 24, m2)))
    return tuple(read)


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarTable:
    """`[sla.calendars.<name>]`: business hours in a zone, minus holidays."""

    timezone: str = field(
        metadata={
            "doc": "IANA time zone of the hours.",
            "required": 'an IANA zone like "Europe/London"',
        }
    )
    hours: dict[str, Intervals] = field(
        default_factory=dict,
        metadata={"doc": 'Opening hours per day: mon … sun, weekdays, weekend, everyday = '
                  '"08:00-12:00, 13:00-17:00".', "keys": day_problem, "parse": intervals},
    )  # fmt: skip
    holidays: tuple[date, ...] = field(
        default=(),
        metadata={"doc": "Closed dates.", "expect": "a list of dates (2026-12-24, unquoted)"},
    )
    country: str | None = field(
        default=None, metadata={"doc": "Country whose public holidays close it (US, GB)."}
    )
    subdivision: str | None = field(
        default=None, metadata={"doc": "State or region of the country (NY)."}
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetTable:
    """One priority's targets in a contract."""

    response: timedelta = field(metadata={"doc": "Time to first response."})
    resolution: timedelta = field(metadata={"doc": "Time to resolution."})
    business_hours: bool = field(
        default=True, metadata={"doc": "Count only the calendar's business hours."}
    )


_TARGET = {
    "doc": "Targets of this priority.",
    "required": "every contract gives targets for P1 to P4",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ContractTable:
    """`[sla.contracts.<name>]`."""

    calendar: str = field(
        default="office-utc", metadata={"doc": "Calendar the targets count in.", "names": CALENDAR}
    )
    pausing_statuses: tuple[Status, ...] | None = field(
        default=None,
        metadata={"doc": "Statuses that pause the clocks (default: waiting on customer or "
                  "vendor).", "expect": "a list of statuses"},
    )  # fmt: skip
    P1: TargetTable = field(metadata=_TARGET)
    P2: TargetTable = field(metadata=_TARGET)
    P3: TargetTable = field(metadata=_TARGET)
    P4: TargetTable = field(metadata=_TARGET)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientTable:
    """`[sla.clients.<client id>]`: the configuration's word beats the PSA's."""

    contract: str | None = field(
        default=None, metadata={"doc": "Contract of this client.", "names": CONTRACT}
    )
    calendar: str | None = field(
        default=None, metadata={"doc": "Calendar instead of the contract's.", "names": CALENDAR}
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SlaTable:
    """`[sla]`."""

    warning_at: float = field(
        default=_THRESHOLDS.warning_at,
        metadata={"doc": "Share of a target used when a clock turns amber.", "range": (0.01, 1)},
    )
    critical_at: float = field(
        default=_THRESHOLDS.critical_at,
        metadata={"doc": "Share of a target used when a clock turns red.", "range": (0.01, 1)},
    )
    calendars: dict[str, CalendarTable] = field(
        default_factory=dict, metadata={"doc": "Business calendars by name."}
    )
    contracts: dict[str, ContractTable] = field(
        default_factory=dict, metadata={"doc": "Contracts by name (beside the built-in ones)."}
    )
    fallback_contract: str = field(
        default="Standard",
        metadata={"doc": "Contract of a client nothing else names.", "names": CONTRACT},
    )
    clients: dict[str, ClientTable] = field(
        default_factory=dict,
        metadata={"doc": "Per client id: its contract and calendar ([clients] before "
                  "schema version 2)."},
    )  # fmt: skip


_ROW = {"doc": "Priorities for urgency 1, 2 and 3.", "length": 3,
        "expect": "a list of three priorities, for urgency 1, 2 and 3"}  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class MatrixTable:
    """`[priority_matrix]`: rows not given keep the defaults."""

    impact_1: tuple[Priority, ...] | None = field(default=None, metadata=_ROW)
    impact_2: tuple[Priority, ...] | None = field(default=None, metadata=_ROW)
    impact_3: tuple[Priority, ...] | None = field(default=None, metadata=_ROW)


@dataclass(frozen=True, slots=True, kw_only=True)
class TierDelays:
    """Time a tier has before escalation: `P1 = { L1 = "10m", L2 = "20m" }`."""

    L1: timedelta | None = field(default=None, metadata={"doc": "Before leaving L1."})
    L2: timedelta | None = field(default=None, metadata={"doc": "Before leaving L2."})
    L3: timedelta | None = field(default=None, metadata={"doc": "Before leaving L3."})


_DELAYS = {"doc": "Delays per tier (default: docs/sla.md)."}


@dataclass(frozen=True, slots=True, kw_only=True)
class EscalationTable:
    """`[escalation]`."""

    on_breach: bool = field(default=True, metadata={"doc": "Escalate on an SLA breach."})
    P1: TierDelays | None = field(default=None, metadata=_DELAYS)
    P2: TierDelays | None = field(default=None, metadata=_DELAYS)
    P3: TierDelays | None = field(default=None, metadata=_DELAYS)
    P4: TierDelays | None = field(default=None, metadata=_DELAYS)


def _severity_problem(name: str) -> str | None:
    severities = [p.value for p in Priority]
    return None if name in severities else f"is not a severity; use {', '.join(severities)}"


def _at_least_a_minute(value: timedelta) -> str | None:
    return None if value >= timedelta(minutes=1) else "must be at least 1m"


@dataclass(frozen=True, slots=True, kw_only=True)
class MajorIncidentTable:
    """`[major_incident]`: when an incident is a major-incident candidate."""

    priority: Priority = field(default=_MAJOR.priority, metadata={"doc": "At least this priority."})
    impact: int = field(
        default=_MAJOR.impact,
        metadata={"doc": "At least this impact (1 = widest).", "range": (1, 3)},
    )
    open_for: timedelta = field(default=_MAJOR.open_for, metadata={"doc": "Open this long."})
    update_every: dict[str, timedelta] = field(
        default_factory=lambda: {p.value: every for p, every in DEFAULT_CADENCE.every.items()},
        metadata={
            "doc": "A declared major incident's client update cadence per severity, e.g. {P1 = "
            '"30m", P2 = "60m"}; a severity not listed takes the slowest listed.',
            "keys": _severity_problem,
            "check": _at_least_a_minute,
        },
    )
    first_update_within: timedelta = field(
        default=DEFAULT_CADENCE.first_within,
        metadata={"doc": "A declared major incident's first client update is due this long "
                  "after the declaration.", "check": _at_least_a_minute},
    )  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class SlaTables:
    """The SLA's tables at the top of the file."""

    sla: SlaTable = field(
        default_factory=SlaTable, metadata={"doc": "Thresholds, calendars, contracts, clients."}
    )
    priority_matrix: MatrixTable = field(
        default_factory=MatrixTable, metadata={"doc": "Impact × urgency → priority."}
    )
    escalation: EscalationTable = field(
        default_factory=EscalationTable, metadata={"doc": "Escalation delays."}
    )
    major_incident: MajorIncidentTable = field(
        default_factory=MajorIncidentTable, metadata={"doc": "Major-incident criteria."}
    )


def build_sla(tables: SlaTables) -> SlaSettings:
    """The models' SLA objects from what the file says; `Problem` names the key."""
    sla = tables.sla
    if sla.warning_at > sla.critical_at:
        raise Problem("sla.warning_at", "must not be above sla.critical_at")
    calendars = dict(DEFAULT_CALENDARS)
    for name, spec in sla.calendars.items():
        calendars[name] = _calendar(name, spec)
    contracts = dict(DEFAULT_CONTRACTS)
    for name, terms in sla.contracts.items():
        contracts[name] = _contract(name, terms, calendars)
    clients = {
        client_id: ClientOverride(spec.contract, calendars.get(spec.calendar or ""))
        for client_id, spec in sla.clients.items()
    }
    thresholds = SlaThresholds(sla.warning_at, sla.critical_at)
    return SlaSettings(
        policy=SlaPolicy(contracts, calendars, clients, thresholds, sla.fallback_contract),
        matrix=_matrix(tables.priority_matrix),
        escalation=_escalation(tables.escalation),
        major_incident=MajorIncidentCriteria(
            tables.major_incident.priority, tables.major_incident.impact,
            tables.major_incident.open_for,
        ),
        cadence=UpdateCadence(
            {Priority(name): every for name, every in tables.major_incident.update_every.items()},
            tables.major_incident.first_update_within,
        ),
    )  # fmt: skip


def _calendar(name: str, spec: CalendarTable) -> BusinessCalendar:
    hours: dict[int, list[tuple[time, time]]] = {}
    for day_key, open_hours in spec.hours.items():
        for day in DAY_GROUPS.get(day_key) or [DAYS.index(day_key)]:
            hours[day] = list(open_hours)
    try:
        if spec.country is not None:
            return BusinessCalendar.with_public_holidays(
                spec.timezone, hours, spec.country, spec.subdivision, spec.holidays, name
            )
        return BusinessCalendar(spec.timezone, hours, spec.holidays, name)
    except CalendarError as exc:
        raise Problem(f"sla.calendars.{name}", str(exc)) from exc


def _contract(
    name: str, terms: ContractTable, calendars: dict[str, BusinessCalendar]
) -> SlaContract:
    targets = {}
    for priority in Priority:
        target: TargetTable = getattr(terms, priority.value)
        targets[priority] = SlaTarget(
            ClockTarget(target.response, target.business_hours),
            ClockTarget(target.resolution, target.business_hours),
        )
    pausing = DEFAULT_PAUSING_STATUSES
    if terms.pausing_statuses is not None:
        pausing = frozenset(terms.pausing_statuses)
    return SlaContract(name, targets, calendars[terms.calendar], pausing)


def _matrix(table: MatrixTable) -> PriorityMatrix:
    matrix = dict(DEFAULT_MATRIX)
    for impact in (1, 2, 3):
        row: tuple[Priority, ...] | None = getattr(table, f"impact_{impact}")
        for urgency, priority in enumerate(row or (), start=1):
            matrix[(impact, urgency)] = priority
    return matrix


def _escalation(table: EscalationTable) -> EscalationPolicy:
    rules = {p: dict(tiers) for p, tiers in DEFAULT_RULES.items()}
    for priority in Priority:
        delays: TierDelays | None = getattr(table, priority.value)
        if delays is not None:
            given = {Tier.L1: delays.L1, Tier.L2: delays.L2, Tier.L3: delays.L3}
            rules[priority] = {tier: after for tier, after in given.items() if after is not None}
    return EscalationPolicy(rules, table.on_breach)
