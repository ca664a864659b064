"""SLA contracts: per priority, how long a client may wait for a response and a fix.

Targets here run in real (24×7) time. The store uses a contract to compute due dates
for incidents whose source does not supply its own, shifting them by the time the
incident spent in a pausing status.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from noc_console.models.incident import DEFAULT_PAUSING_STATUSES, Priority, Status


@dataclass(frozen=True, slots=True)
class SlaTarget:
    response: timedelta
    resolution: timedelta


@dataclass(frozen=True, slots=True)
class SlaContract:
    name: str
    targets: Mapping[Priority, SlaTarget]
    pausing_statuses: frozenset[Status] = field(default=DEFAULT_PAUSING_STATUSES)

    def __post_init__(self) -> None:
        missing = set(Priority) - set(self.targets)
        if missing:
            raise ValueError(f"contract {self.name!r} has no target for {sorted(missing)}")

    def target(self, priority: Priority) -> SlaTarget:
        return self.targets[priority]

    def due_dates(
        self, priority: Priority, created_at: datetime, paused: timedelta
    ) -> tuple[datetime, datetime]:
        """Response and resolution due for an incident paused for `paused` so far."""
        target = self.targets[priority]
        return created_at + target.response + paused, created_at + target.resolution + paused


def _targets(*pairs: tuple[int, int]) -> dict[Priority, SlaTarget]:
    """Targets from (response minutes, resolution minutes), P1 first."""
    return {
        priority: SlaTarget(timedelta(minutes=response), timedelta(minutes=resolution))
        for priority, (response, resolution) in zip(Priority, pairs, strict=True)
    }


#: Ready-made contracts; configuration may define others by name.
DEFAULT_CONTRACTS: Mapping[str, SlaContract] = {
    contract.name: contract
    for contract in (
        SlaContract("Gold", _targets((15, 120), (30, 240), (120, 720), (480, 2880))),
        SlaContract("Standard", _targets((15, 240), (60, 480), (240, 1440), (1440, 4320))),
        SlaContract("Bronze", _targets((30, 480), (120, 960), (480, 2880), (1440, 7200))),
    )
}

FALLBACK_CONTRACT = "Standard"


def contract_for(name: str, contracts: Mapping[str, SlaContract]) -> SlaContract:
    """The named contract, or the fallback when a client names one we do not know."""
    return contracts.get(name) or contracts.get(FALLBACK_CONTRACT) or next(iter(contracts.values()))
