"""The built-in demo feed: a simulated MSP behind the real connector interface.

About a dozen clients on different contracts raise incidents at realistic rates with
realistic NOC titles; technicians acknowledge, work, escalate, pause on the customer
and resolve them, and some breach. The simulation advances in fixed one-minute steps
from a start instant, drawing from one seeded random generator, so the state at any
instant depends only on the seed and the start — not on how often it is polled.
Time-compressible: drive it with a `ManualClock` or `ScaledClock`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from noc_console.connectors.base import Page
from noc_console.connectors.demo.burst import BURST, BURST_BEFORE
from noc_console.connectors.errors import Conflict, NotFound, not_linked
from noc_console.models.actions import CHANGED_FIELDS, Action, ActionKind
from noc_console.models.clock import Clock
from noc_console.models.incident import Client, Incident, Priority, Status, Tier
from noc_console.models.priority import DEFAULT_MATRIX, PriorityMatrix, priority_for

SOURCE = "demo"
STEP = timedelta(minutes=1)
PAGE_SIZE = 200

# (client with contract and business calendar, relative incident volume)
CLIENTS: tuple[tuple[Client, int], ...] = (
    (Client("northwind-bank", "Northwind Bank", "Gold", "uk-office"), 5),
    (Client("woodgrove-insurance", "Woodgrove Insurance", "Gold", "us-east-office"), 3),
    (Client("litware-health", "Litware Health", "Gold", "uk-office"), 4),
    (Client("blue-yonder", "Blue Yonder Airlines", "Gold", "au-office"), 3),
    (Client("contoso-legal", "Contoso Legal", "Standard", "us-east-office"), 3),
    (Client("fabrikam", "Fabrikam Manufacturing", "Standard", "de-office"), 4),
    (Client("adventure-works", "Adventure Works Retail", "Standard", "uk-office"), 4),
    (Client("proseware", "Proseware Accounting", "Standard", "uk-office"), 2),
    (Client("tailspin", "Tailspin Logistics", "Bronze", "de-office"), 3),
    (Client("wide-world", "Wide World Importers", "Bronze", "au-office"), 2),
    (Client("alpine-ski", "Alpine Ski Resorts", "Bronze", "de-office"), 1),
    (Client("coho-winery", "Coho Winery", "Bronze", "us-east-office"), 1),
)

SITES = ("Leeds", "Bristol", "Dublin", "Lyon", "Denver", "Austin", "Perth", "Oslo")
SERVERS = ("SQL01", "DC02", "FS01", "EXCH01", "APP03", "RDS01", "VEEAM01", "HV-NODE2")
TECHS = ("A. Okafor", "B. Lindqvist", "C. Moreau", "D. Tanaka", "E. Novak", "F. Haddad")

# (title template, category, impact choices, urgency choices); 1 = high … 3 = low
TEMPLATES: tuple[tuple[str, str, tuple[int, ...], tuple[int, ...]], ...] = (
    ("VPN tunnel down at {site} branch", "Network", (1, 2), (1, 2)),
    ("Backup job failed: {server} nightly", "Backup", (2, 3), (2, 3)),
    ("Disk 95% full on {server}", "Infrastructure", (2, 3), (1, 2)),
    ("M365 sign-in failures for multiple users", "Cloud", (1, 2), (1, 2)),
    ("Internet circuit down at {site}", "Network", (1, 2), (1,)),
    ("Firewall HA failover on FW-{site}", "Network", (2,), (2, 3)),
    ("CPU at 100% for 15 min on {server}", "Infrastructure", (2, 3), (2, 3)),
    ("EDR ransomware alert on workstation at {site}", "Security", (1,), (1,)),
    ("TLS certificate expires in 7 days on {server}", "Security", (3,), (2, 3)),
    ("Switch port flapping at {site} core switch", "Network", (2, 3), (2, 3)),
    ("UPS on battery at {site} comms room", "Infrastructure", (1, 2), (1, 2)),
    ("Outlook cannot connect for one user", "End user", (3,), (2, 3)),
    ("Printer offline at {site} reception", "End user", (3,), (3,)),
    ("Azure AD Connect sync stopped", "Cloud", (2,), (2,)),
    ("Teams calls dropping at {site}", "Cloud", (2, 3), (2,)),
    ("SQL Agent job failing on {server}", "Application", (2, 3), (2, 3)),
    ("Ping loss to {server} from monitoring", "Infrastructure", (1, 2), (1, 2)),
    ("Password reset locked out account", "End user", (3,), (2,)),
)

# Per-minute chance that a P1..P4 incident is acknowledged / resolved while worked.
ACK_RATE = {Priority.P1: 0.12, Priority.P2: 0.06, Priority.P3: 0.025, Priority.P4: 0.008}
FIX_RATE = {Priority.P1: 0.012, Priority.P2: 0.006, Priority.P3: 0.003, Priority.P4: 0.0015}
SOURCE_STATUS = {
    Status.NEW: "New",
    Status.ACKNOWLEDGED: "Acknowledged",
    Status.IN_PROGRESS: "In Progress",
    Status.WAITING_CUSTOMER: "Waiting Customer",
    Status.WAITING_VENDOR: "Waiting Vendor",
    Status.RESOLVED: "Resolved",
    Status.CLOSED: "Closed",
}


def _poisson(rng: random.Random, mean: float) -> int:
    """How many arrivals in one step, for a Poisson process of this mean (Knuth)."""
    limit = math.exp(-mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _value(value: object) -> object:
    """A field's value as actions record it (enums by value)."""
    return getattr(value, "value", value)


@dataclass(slots=True)
class _Ticket:
    """The simulation's own mutable ticket; published as a frozen `Incident`."""

    number: int
    client_id: str
    title: str
    category: str
    impact: int
    urgency: int
    created: datetime
    updated: datetime
    status: Status = Status.NEW
    tier: Tier = Tier.L1
    assignee: str | None = None
    responded: datetime | None = None
    resolved: datetime | None = None
    revision: int = 1
    notes: list[str] = field(default_factory=list)

    def touch(self, when: datetime) -> None:
        self.updated = when
        self.revision += 1

    def to_incident(self, matrix: PriorityMatrix) -> Incident:
        raw = {
            "id": self.number,
            "client": self.client_id,
            "summary": self.title,
            "status": SOURCE_STATUS[self.status],
            "impact": self.impact,
            "urgency": self.urgency,
            "tier": self.tier.value,
            "owner": self.assignee,
            "revision": self.revision,
        }
        return Incident(
            source=SOURCE,
            external_id=f"DEMO-{self.number}",
            client_id=self.client_id,
            title=self.title,
            description=f"Raised by monitoring for {self.client_id}.",
            category=self.category,
            status=self.status,
            source_status=SOURCE_STATUS[self.status],
            priority=priority_for(self.impact, self.urgency, matrix),
            impact=self.impact,
            urgency=self.urgency,
            tier=self.tier,
            assignee=self.assignee,
            created_at=self.created,
            updated_at=self.updated,
            responded_at=self.responded,
            resolved_at=self.resolved,
            version=str(self.revision),
            raw=raw,
        )


class DemoFeed:
    """A deterministic simulated MSP; see the module docstring."""

    def __init__(
        self,
        clock: Clock,
        seed: int = 7,
        history: timedelta = timedelta(hours=10),
        arrivals_per_hour: float = 14.0,
        matrix: PriorityMatrix = DEFAULT_MATRIX,
    ) -> None:
        self._clock = clock
        self._matrix = matrix
        self._random = random.Random(seed)
        start = clock.now() - history
        self._sim_time = start.replace(second=0, microsecond=0)
        self._burst_at = (clock.now() - BURST_BEFORE).replace(second=0, microsecond=0)
        self._arrivals_per_step = arrivals_per_hour / 60.0
        self._tickets: dict[int, _Ticket] = {}
        self._applied: dict[str, str] = {}  # idempotency key → version it produced
        self._next_number = 1001
        self._client_ids = [c.id for c, _ in CLIENTS]
        self._client_weights = [w for _, w in CLIENTS]

    @property
    def name(self) -> str:
        return SOURCE

    @property
    def label(self) -> str:
        return "Demo feed"

    def clients(self) -> Sequence[Client]:
        return [client for client, _ in CLIENTS]

    def fetch_changed(self, since: datetime | None) -> Iterator[Page]:
        self._advance_to(self._clock.now())
        changed = sorted(
            (t for t in self._tickets.values() if since is None or t.updated >= since),
            key=lambda t: (t.updated, t.number),
        )
        for start in range(0, len(changed), PAGE_SIZE):
            batch = changed[start : start + PAGE_SIZE]
            incidents = [t.to_incident(self._matrix) for t in batch]
            yield Page(incidents, watermark=batch[-1].updated)

    def list_open(self) -> Iterator[Page]:
        self._advance_to(self._clock.now())
        open_tickets = sorted(
            (t for t in self._tickets.values() if t.status.is_open), key=lambda t: t.number
        )
        for start in range(0, len(open_tickets), PAGE_SIZE):
            batch = open_tickets[start : start + PAGE_SIZE]
            yield Page([t.to_incident(self._matrix) for t in batch], watermark=None)

    def apply(self, action: Action, retry: bool) -> str:
        """Write-back into the simulation, with idempotency keys and conflict checks."""
        if action.kind is ActionKind.LINK:
            raise not_linked(self.name, "the demo feed has no links between incidents; the "
                             "internal note names the major incident")  # fmt: skip
        done = self._applied.get(action.id)
        if done is not None:
            return done
        number = int(action.key.external_id.removeprefix("DEMO-"))
        ticket = self._tickets.get(number)
        if ticket is None:
            raise NotFound(f"{action.key} is not in the demo feed")
        current = ticket.to_incident(self._matrix)
        theirs = {
            name: _value(getattr(current, name))
            for name in CHANGED_FIELDS[action.kind]
            if name in action.expected and _value(getattr(current, name)) != action.expected[name]
        }
        if theirs and not action.force:
            raise Conflict(
                f"{action.key} changed in the demo feed meanwhile", theirs, current.version
            )
        now = self._clock.now()
        changes = action.changes()
        if action.kind is ActionKind.NOTE or action.kind is ActionKind.RESOLVE:
            ticket.notes.append(str(action.payload.get("text", "")))
        if "status" in changes:
            ticket.status = Status(changes["status"])
            if ticket.status is not Status.NEW and ticket.responded is None:
                ticket.responded = now
            if ticket.status is Status.RESOLVED:
                ticket.resolved = now
            elif ticket.status.is_open:  # reopened: the resolution clock runs again
                ticket.resolved = None
        if "assignee" in changes:
            ticket.assignee = changes["assignee"]
        if "impact" in changes:
            ticket.impact, ticket.urgency = changes["impact"], changes["urgency"]
        if "tier" in changes:
            ticket.tier = Tier(changes["tier"])
        ticket.touch(max(now, ticket.updated))
        self._applied[action.id] = str(ticket.revision)
        return str(ticket.revision)

    # ------------------------------------------------------------ simulation
    def _advance_to(self, now: datetime) -> None:
        while self._sim_time + STEP <= now:
            self._sim_time += STEP
            self._step(self._sim_time)

    def _step(self, now: datetime) -> None:
        rng = self._random
        for number in sorted(self._tickets):
            self._evolve(self._tickets[number], now)
        for _ in range(_poisson(rng, self._arrivals_per_step)):
            self._arrive(now)
        self._burst(now)
        horizon = now - timedelta(days=1)
        for number in [n for n, t in self._tickets.items() if t.status is Status.CLOSED]:
            if self._tickets[number].updated < horizon:
                del self._tickets[number]

    def _arrive(self, now: datetime) -> None:
        rng = self._random
        template, category, impacts, urgencies = rng.choice(TEMPLATES)
        title = template.format(site=rng.choice(SITES), server=rng.choice(SERVERS))
        client_id = rng.choices(self._client_ids, weights=self._client_weights)[0]
        created = now - timedelta(seconds=rng.randrange(60))
        ticket = _Ticket(
            number=self._next_number,
            client_id=client_id,
            title=title,
            category=category,
            impact=rng.choice(impacts),
            urgency=rng.choice(urgencies),
            created=created,
            updated=created,
        )
        self._add(ticket)

    def _burst(self, now: datetime) -> None:
        """The scripted outage's tickets due this minute (`burst.py`)."""
        for minutes, client_id, title, category, impact, urgency in BURST:
            if self._burst_at + timedelta(minutes=minutes) == now:
                self._add(_Ticket(self._next_number, client_id, title, category, impact,
                                  urgency, now, now))  # fmt: skip

    def _add(self, ticket: _Ticket) -> None:
        self._tickets[ticket.number] = ticket
        self._next_number += 1

    def _evolve(self, ticket: _Ticket, now: datetime) -> None:
        rng = self._random
        priority = priority_for(ticket.impact, ticket.urgency)
        roll = rng.random()
        status = ticket.status
        if status is Status.NEW:
            if roll < ACK_RATE[priority]:
                ticket.status = Status.ACKNOWLEDGED
                ticket.responded = now
                ticket.assignee = rng.choice(TECHS)
                ticket.touch(now)
        elif status is Status.ACKNOWLEDGED:
            if roll < 0.15:
                ticket.status = Status.IN_PROGRESS
                ticket.touch(now)
        elif status is Status.IN_PROGRESS:
            fix = FIX_RATE[priority]
            if roll < fix:
                ticket.status = Status.RESOLVED
                ticket.resolved = now
                ticket.touch(now)
            elif roll < fix + 0.004:
                ticket.status = Status.WAITING_CUSTOMER
                ticket.touch(now)
            elif roll < fix + 0.005:
                ticket.status = Status.WAITING_VENDOR
                ticket.touch(now)
            elif roll < fix + 0.008 and ticket.tier is not Tier.ENG:
                ticket.tier = ticket.tier.escalated()
                ticket.assignee = rng.choice(TECHS)
                ticket.touch(now)
        elif status in (Status.WAITING_CUSTOMER, Status.WAITING_VENDOR):
            if roll < 0.02:
                ticket.status = Status.IN_PROGRESS
                ticket.touch(now)
        elif status is Status.RESOLVED and roll < 0.05:
            ticket.status = Status.CLOSED
            ticket.touch(now)
