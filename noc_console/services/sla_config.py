"""The SLA part of the configuration file: calendars, contracts, clients, matrix,
thresholds, escalation rules and major-incident criteria (see docs/sla.md).

Everything is optional; what is not configured keeps the defaults of the models
layer. Every problem raises `ConfigError` naming the file, the key and the problem.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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
from noc_console.models.errors import ConfigError
from noc_console.models.escalation import DEFAULT_RULES, EscalationPolicy, MajorIncidentCriteria
from noc_console.models.incident import DEFAULT_PAUSING_STATUSES, Priority, Status, Tier
from noc_console.models.priority import DEFAULT_MATRIX, PriorityMatrix
from noc_console.models.sla import BusinessCalendar, CalendarError
from noc_console.models.sla_clock import SlaThresholds
from noc_console.services.config_rules import number_problem

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_GROUPS = {"weekdays": range(5), "weekend": range(5, 7), "everyday": range(7)}
SLA_KEYS = {"warning_at", "critical_at", "fallback_contract", "calendars", "contracts"}
_DURATION = re.compile(r"^\s*(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?\s*$")
#: The longest target, escalation delay or open time: a year (and a leap day). Longer
#: ones are typos, and a business calendar would build a table for every day up to it.
MAX_DURATION = timedelta(days=366)
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class SlaSettings:
    policy: SlaPolicy = field(
        default_factory=lambda: SlaPolicy(DEFAULT_CONTRACTS, DEFAULT_CALENDARS)
    )
    matrix: PriorityMatrix = field(default_factory=lambda: DEFAULT_MATRIX)
    escalation: EscalationPolicy = field(default_factory=EscalationPolicy)
    major_incident: MajorIncidentCriteria = field(default_factory=MajorIncidentCriteria)


class TableReader:
    """Reads typed values out of parsed TOML, naming the key in every error."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.where, key, problem)

    def table(self, value: Any, key: str, known: set[str] | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        if known is not None:
            for name in value:
                if name not in known:
                    raise self.fail(
                        f"{key}.{name}", f"unknown key (known: {', '.join(sorted(known))})"
                    )
        return value

    def duration(self, value: Any, key: str) -> timedelta:
        match = _DURATION.match(value) if isinstance(value, str) else None
        if not match or not any(match.groups()):
            raise self.fail(key, f'must be a duration like "15m", "4h", "1d 2h", not {value!r}')
        d, h, m, s = (int(g or 0) for g in match.groups())
        seconds = ((d * 24 + h) * 60 + m) * 60 + s  # exact: "99999999999d" must not overflow
        if seconds > MAX_DURATION.total_seconds():
            raise self.fail(key, f"is {value!r}; at most {MAX_DURATION.days} days")
        return timedelta(seconds=seconds)

    def enum(self, kind: type[Any], value: Any, key: str) -> Any:
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(str(v.value) for v in kind)
            raise self.fail(key, f"{value!r} is not one of {allowed}") from None

    def number(self, value: Any, key: str, low: float, high: float, whole: bool = False) -> float:
        problem = number_problem(value, low, high, whole=whole)
        if problem is not None:
            raise self.fail(key, problem)
        return float(value)


def parse_sla(data: Mapping[str, Any], where: str) -> SlaSettings:
    """SLA settings from the top-level tables `sla`, `clients`, `priority_matrix`,
    `escalation` and `major_incident` of a parsed configuration file."""
    read = TableReader(where)
    sla = read.table(data.get("sla", {}), "sla", SLA_KEYS)
    thresholds = SlaThresholds()
    if "warning_at" in sla or "critical_at" in sla:
        warning = read.number(sla.get("warning_at", 0.75), "sla.warning_at", 0.01, 1)
        critical = read.number(sla.get("critical_at", 0.90), "sla.critical_at", 0.01, 1)
        if warning > critical:
            raise read.fail("sla.warning_at", "must not be above sla.critical_at")
        thresholds = SlaThresholds(warning, critical)
    calendars = dict(DEFAULT_CALENDARS)
    for name, spec in read.table(sla.get("calendars", {}), "sla.calendars").items():
        calendars[name] = _calendar(read, name, spec)
    contracts = dict(DEFAULT_CONTRACTS)
    for name, spec in read.table(sla.get("contracts", {}), "sla.contracts").items():
        contracts[name] = _contract(read, name, spec, calendars)
    fallback = sla.get("fallback_contract", "Standard")
    if fallback not in contracts:
        raise read.fail("sla.fallback_contract", f"no contract named {fallback!r}")
    clients = {
        client_id: _client(read, client_id, spec, contracts, calendars)
        for client_id, spec in read.table(data.get("clients", {}), "clients").items()
    }
    policy = SlaPolicy(contracts, calendars, clients, thresholds, fallback)
    return SlaSettings(
        policy=policy,
        matrix=_matrix(read, data.get("priority_matrix")),
        escalation=_escalation(read, data.get("escalation")),
        major_incident=_major(read, data.get("major_incident")),
    )


def _calendar(read: TableReader, name: str, spec: Any) -> BusinessCalendar:
    key = f"sla.calendars.{name}"
    spec = read.table(spec, key, {"timezone", "hours", "holidays", "country", "subdivision"})
    if "timezone" not in spec:
        raise read.fail(f"{key}.timezone", 'is required (an IANA zone like "Europe/London")')
    for text_key in ("timezone", "country", "subdivision"):
        if text_key in spec and not isinstance(spec[text_key], str):
            raise read.fail(f"{key}.{text_key}", f"must be a string, not {spec[text_key]!r}")
    hours: dict[int, list[tuple[time, time]]] = {}
    for day_key, text in read.table(spec.get("hours", {}), f"{key}.hours").items():
        days = DAY_GROUPS.get(day_key) or ([DAYS.index(day_key)] if day_key in DAYS else None)
        if days is None:
            raise read.fail(f"{key}.hours.{day_key}", f"is not a day ({', '.join(DAYS)}, "
                            f"{', '.join(DAY_GROUPS)})")  # fmt: skip
        intervals = _intervals(read, text, f"{key}.hours.{day_key}")
        for day in days:
            hours[day] = intervals
    holidays = spec.get("holidays", [])
    if not isinstance(holidays, list) or not all(isinstance(d, date) for d in holidays):
        raise read.fail(f"{key}.holidays", "must be a list of dates (2026-12-24, unquoted)")
    try:
        if "country" in spec:
            return BusinessCalendar.with_public_holidays(
                spec["timezone"], hours, spec["country"], spec.get("subdivision"), holidays, name
            )
        return BusinessCalendar(spec["timezone"], hours, holidays, name)
    except CalendarError as exc:
        raise read.fail(key, str(exc)) from exc


def _intervals(read: TableReader, text: Any, key: str) -> list[tuple[time, time]]:
    if not isinstance(text, str):
        raise read.fail(key, 'must be a string like "08:00-12:00, 13:00-17:00"')
    intervals = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = _INTERVAL.match(part)
        if not match:
            raise read.fail(key, f'{part!r} is not an interval like "08:00-18:00"')
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            raise read.fail(key, f"{part!r} is not a time of day")
        intervals.append((time(h1, m1), time(h2 % 24, m2)))
    return intervals


def _contract(
    read: TableReader, name: str, spec: Any, calendars: Mapping[str, BusinessCalendar]
) -> SlaContract:
    key = f"sla.contracts.{name}"
    spec = read.table(spec, key, {"calendar", "pausing_statuses", *(p.value for p in Priority)})
    calendar_name = spec.get("calendar", "office-utc")
    if calendar_name not in calendars:
        raise read.fail(f"{key}.calendar", f"no calendar named {calendar_name!r}")
    pausing = DEFAULT_PAUSING_STATUSES
    if "pausing_statuses" in spec:
        raw = spec["pausing_statuses"]
        if not isinstance(raw, list):
            raise read.fail(f"{key}.pausing_statuses", "must be a list of statuses")
        pausing = frozenset(
            read.enum(Status, s, f"{key}.pausing_statuses[{i}]") for i, s in enumerate(raw)
        )
    targets = {}
    for priority in Priority:
        pkey = f"{key}.{priority.value}"
        if priority.value not in spec:
            raise read.fail(pkey, "is required: every contract gives targets for P1 to P4")
        target = read.table(
            spec[priority.value], pkey, {"response", "resolution", "business_hours"}
        )
        business = target.get("business_hours", True)
        if not isinstance(business, bool):
            raise read.fail(f"{pkey}.business_hours", "must be true or false")
        for clock in ("response", "resolution"):
            if clock not in target:
                raise read.fail(f"{pkey}.{clock}", "is required")
        targets[priority] = SlaTarget(
            ClockTarget(read.duration(target["response"], f"{pkey}.response"), business),
            ClockTarget(read.duration(target["resolution"], f"{pkey}.resolution"), business),
        )
    return SlaContract(name, targets, calendars[calendar_name], pausing)


def _client(
    read: TableReader,
    client_id: str,
    spec: Any,
    contracts: Mapping[str, SlaContract],
    calendars: Mapping[str, BusinessCalendar],
) -> ClientOverride:
    key = f"clients.{client_id}"
    spec = read.table(spec, key, {"contract", "calendar"})
    contract = spec.get("contract")
    if contract is not None and contract not in contracts:
        raise read.fail(f"{key}.contract", f"no contract named {contract!r}")
    calendar = spec.get("calendar")
    if calendar is not None and calendar not in calendars:
        raise read.fail(f"{key}.calendar", f"no calendar named {calendar!r}")
    return ClientOverride(contract, calendars[calendar] if calendar else None)


def _matrix(read: TableReader, spec: Any) -> PriorityMatrix:
    if spec is None:
        return DEFAULT_MATRIX
    rows = read.table(spec, "priority_matrix", {"impact_1", "impact_2", "impact_3"})
    matrix = dict(DEFAULT_MATRIX)
    for name, row in rows.items():
        key = f"priority_matrix.{name}"
        if not isinstance(row, list) or len(row) != 3:
            raise read.fail(key, "must list three priorities, for urgency 1, 2 and 3")
        impact = int(name[-1])
        for urgency, value in enumerate(row, start=1):
            matrix[(impact, urgency)] = read.enum(Priority, value, f"{key}[{urgency - 1}]")
    return matrix


def _escalation(read: TableReader, spec: Any) -> EscalationPolicy:
    if spec is None:
        return EscalationPolicy()
    spec = read.table(spec, "escalation", {"on_breach", *(p.value for p in Priority)})
    rules = {p: dict(tiers) for p, tiers in DEFAULT_RULES.items()}
    for priority in Priority:
        if priority.value not in spec:
            continue
        key = f"escalation.{priority.value}"
        tiers = read.table(spec[priority.value], key, {"L1", "L2", "L3"})
        rules[priority] = {
            Tier(tier): read.duration(after, f"{key}.{tier}") for tier, after in tiers.items()
        }
    on_breach = spec.get("on_breach", True)
    if not isinstance(on_breach, bool):
        raise read.fail("escalation.on_breach", "must be true or false")
    return EscalationPolicy(rules, on_breach)


def _major(read: TableReader, spec: Any) -> MajorIncidentCriteria:
    if spec is None:
        return MajorIncidentCriteria()
    spec = read.table(spec, "major_incident", {"priority", "impact", "open_for"})
    default = MajorIncidentCriteria()
    return MajorIncidentCriteria(
        priority=read.enum(Priority, spec.get("priority", "P1"), "major_incident.priority"),
        impact=int(read.number(spec.get("impact", 1), "major_incident.impact", 1, 3, whole=True)),
        open_for=read.duration(spec["open_for"], "major_incident.open_for")
        if "open_for" in spec
        else default.open_for,
    )
