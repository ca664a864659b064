"""SLA contracts and the policy that says which terms apply to which client.

A contract gives, per priority, a response and a resolution target; each target runs
either in business hours (the client's calendar, else the contract's) or around the
clock. Statuses that pause the clocks are part of the contract. The policy maps
clients to contracts and calendars, with configuration overriding what a PSA says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta

from noc_console.models.incident import DEFAULT_PAUSING_STATUSES, Priority, Status
from noc_console.models.sla import TWENTY_FOUR_SEVEN, BusinessCalendar, office_hours
from noc_console.models.sla_clock import DEFAULT_THRESHOLDS, SlaThresholds


@dataclass(frozen=True, slots=True)
class ClockTarget:
    """How long a clock may run: in business hours, or around the clock."""

    duration: timedelta
    business_hours: bool = True


@dataclass(frozen=True, slots=True)
class SlaTarget:
    response: ClockTarget
    resolution: ClockTarget


@dataclass(frozen=True, slots=True)
class SlaContract:
    name: str
    targets: Mapping[Priority, SlaTarget]
    calendar: BusinessCalendar = TWENTY_FOUR_SEVEN
    pausing_statuses: frozenset[Status] = field(default=DEFAULT_PAUSING_STATUSES)

    def __post_init__(self) -> None:
        missing = set(Priority) - set(self.targets)
        if missing:
            raise ValueError(f"contract {self.name!r} has no target for {sorted(missing)}")

    def target(self, priority: Priority) -> SlaTarget:
        return self.targets[priority]


@dataclass(frozen=True, slots=True)
class ClientTerms:
    """The contract one client is on and the business calendar its clocks use."""

    contract: SlaContract
    calendar: BusinessCalendar

    def calendar_for(self, target: ClockTarget) -> BusinessCalendar:
        return self.calendar if target.business_hours else TWENTY_FOUR_SEVEN


@dataclass(frozen=True, slots=True)
class ClientOverride:
    """Configuration's word on a client, which beats what the PSA says."""

    contract: str | None = None
    calendar: BusinessCalendar | None = None


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    contracts: Mapping[str, SlaContract]
    calendars: Mapping[str, BusinessCalendar]
    clients: Mapping[str, ClientOverride] = field(default_factory=dict)
    thresholds: SlaThresholds = DEFAULT_THRESHOLDS
    fallback_contract: str = "Standard"

    def terms(
        self, client_id: str, contract_name: str = "", calendar_name: str = ""
    ) -> ClientTerms:
        """Terms for a client; the source's contract and calendar names are hints."""
        override = self.clients.get(client_id, ClientOverride())
        contract = (
            self.contracts.get(override.contract or "")
            or self.contracts.get(contract_name)
            or self.contracts.get(self.fallback_contract)
            or next(iter(self.contracts.values()))
        )
        calendar = override.calendar or self.calendars.get(calendar_name) or contract.calendar
        return ClientTerms(contract, calendar)


def _targets(
    pairs: tuple[tuple[int, int], ...], around_the_clock: frozenset[Priority] = frozenset()
) -> dict[Priority, SlaTarget]:
    """Targets from (response minutes, resolution minutes), P1 first."""
    targets = {}
    for priority, (response, resolution) in zip(Priority, pairs, strict=True):
        business = priority not in around_the_clock
        targets[priority] = SlaTarget(
            ClockTarget(timedelta(minutes=response), business),
            ClockTarget(timedelta(minutes=resolution), business),
        )
    return targets


#: Ready-made calendars; configuration may add others by name.
DEFAULT_CALENDARS: Mapping[str, BusinessCalendar] = {
    calendar.name: calendar
    for calendar in (
        TWENTY_FOUR_SEVEN,
        BusinessCalendar("UTC", office_hours(), name="office-utc"),
        BusinessCalendar.with_public_holidays(
            "Europe/London", office_hours(), "GB", "ENG", name="uk-office"
        ),
        BusinessCalendar.with_public_holidays(
            "America/New_York", office_hours(), "US", "NY", name="us-east-office"
        ),
        BusinessCalendar.with_public_holidays(
            "Europe/Berlin", office_hours(time(8), time(17)), "DE", "BE", name="de-office"
        ),
        BusinessCalendar.with_public_holidays(
            "Australia/Sydney",
            office_hours(time(8, 30), time(17, 30)),
            "AU",
            "NSW",
            name="au-office",
        ),
    )
}

_BUSINESS = DEFAULT_CALENDARS["office-utc"]
_P1 = frozenset({Priority.P1})

#: Ready-made contracts. Default response targets: P1 15 min, P2 1 h, P3 4 h, P4 24 h.
DEFAULT_CONTRACTS: Mapping[str, SlaContract] = {
    contract.name: contract
    for contract in (
        SlaContract(
            "Gold",
            _targets(((15, 120), (30, 240), (120, 720), (480, 2880)), frozenset(Priority)),
        ),
        SlaContract(
            "Standard",
            _targets(((15, 240), (60, 480), (240, 1440), (1440, 4320)), _P1),
            calendar=_BUSINESS,
        ),
        SlaContract(
            "Bronze",
            _targets(((30, 480), (120, 960), (480, 2880), (1440, 7200))),
            calendar=_BUSINESS,
        ),
    )
}

DEFAULT_POLICY = SlaPolicy(DEFAULT_CONTRACTS, DEFAULT_CALENDARS)
