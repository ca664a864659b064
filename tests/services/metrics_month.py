"""A hand-computed November 2026 for two clients (docs/metrics.md works the same sums).

acme is on Gold (every clock around the clock), beta on Standard (office hours 08–18
UTC, Monday to Friday, for P2–P4). Each incident is written version by version through
the real store, so pauses and the history (escalation, reopening) are the store's own.
The expected figures are in `EXPECTED`, worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from noc_console.models.cache.store import Store
from noc_console.models.incident import Client, Incident, Priority, Status, Tier
from tests.factories import incident

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)  # a Saturday
CLIENTS = [Client("acme", "Acme Ltd", "Gold"), Client("beta", "Beta GmbH", "Standard")]


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def versions(number: str, client: str, title: str, priority: Priority, created: datetime,
             steps: list[dict[str, Any]]) -> list[Incident]:  # fmt: skip
    """The incident as its source said it at each step (fields carried forward)."""
    fields: dict[str, Any] = {
        "source": "test", "external_id": number, "client_id": client, "title": title,
        "priority": priority, "created_at": created, "status": Status.NEW, "tier": Tier.L1,
    }  # fmt: skip
    result = []
    for n, step in enumerate(steps, 1):
        fields.update(step)
        result.append(Incident(**fields, version=str(n)))
    return result


def history() -> list[list[Incident]]:
    """Every incident's versions, oldest first."""
    ip, res, wait = Status.IN_PROGRESS, Status.RESOLVED, Status.WAITING_CUSTOMER
    # fmt: off
    return [
        # A1: P2 Gold (30 min / 4 h). Answered in 10 min, resolved in 2 h: both met. L1.
        versions("A1", "acme", "VPN tunnel down at site 3", Priority.P2, at(2, 9), [
            {"status": ip, "updated_at": at(2, 9, 10), "responded_at": at(2, 9, 10)},
            {"status": res, "updated_at": at(2, 11), "resolved_at": at(2, 11)},
        ]),
        # A2: the same symptom a day later (recurred). Answered in 45 min (breached),
        # escalated L1 → L2, resolved after 6 h (breached).
        versions("A2", "acme", "VPN tunnel down at site 7", Priority.P2, at(3, 9), [
            {"status": ip, "updated_at": at(3, 9, 45), "responded_at": at(3, 9, 45)},
            {"tier": Tier.L2, "updated_at": at(3, 10, 30)},
            {"status": res, "updated_at": at(3, 15), "resolved_at": at(3, 15)},
        ]),
        # A3: P3 Gold (2 h / 12 h). Answered in 5 min; waits on the customer 11:00–13:00
        # (paused); resolved 14:00: 4 h wall-clock − 2 h paused = 2 h. Both met. L1.
        versions("A3", "acme", "Backup failed on SRV01", Priority.P3, at(10, 10), [
            {"status": ip, "updated_at": at(10, 10, 5), "responded_at": at(10, 10, 5)},
            {"status": wait, "updated_at": at(10, 11)},
            {"status": ip, "updated_at": at(10, 13)},
            {"status": res, "updated_at": at(10, 14), "resolved_at": at(10, 14)},
        ]),
        # A4: P4 raised and answered in October, resolved 26 Oct 10:00, reopened 1 Nov
        # 08:00 (reopened in November), resolved 5 Nov 12:00. The days it sat resolved
        # are paused (docs/sla.md): 24 h + 100 h = 124 h = 446,400 s of its clock, past
        # its 48 h (breached). Sat at L2 from the start: not first
        # contact, and not escalated while the console watched.
        versions("A4", "acme", "Disk full on SQL02", Priority.P4, at(25, 10, month=10), [
            {"status": ip, "tier": Tier.L2, "updated_at": at(25, 10, 30, month=10),
             "responded_at": at(25, 10, 30, month=10)},
            {"status": res, "updated_at": at(26, 10, month=10),
             "resolved_at": at(26, 10, month=10)},
            {"status": ip, "updated_at": at(1, 8), "resolved_at": None},
            {"status": res, "updated_at": at(5, 12), "resolved_at": at(5, 12)},
        ]),
        # B1: P3 Standard (4 h / 24 h of office hours) raised Friday 16:00, answered
        # 17:00 (met), resolved Tuesday 10:00: 90 h wall-clock, 14 business hours
        # (Fri 2 + Mon 10 + Tue 2): met. L1.
        versions("B1", "beta", "VPN tunnel down at site 3", Priority.P3, at(6, 16), [
            {"status": ip, "updated_at": at(6, 17), "responded_at": at(6, 17)},
            {"status": res, "updated_at": at(10, 10), "resolved_at": at(10, 10)},
        ]),
        # B2: P2 Standard raised Friday 20 Nov 09:00, never answered: response due 10:00
        # and resolution due 17:00 both passed before NOW: two breaches.
        versions("B2", "beta", "Printer offline in office 2", Priority.P2, at(20, 9), [
            {"updated_at": at(20, 9)},
        ]),
        # B3: the same symptom 7 days later (recurred), raised Friday 17:30: its response
        # is due Monday 30 Nov 11:30, after NOW: neither clock decided yet.
        versions("B3", "beta", "Printer offline in office 5", Priority.P3, at(27, 17, 30), [
            {"updated_at": at(27, 17, 30)},
        ]),
    ]
    # fmt: on


def fill(store: Store, order: list[list[Incident]] | None = None) -> None:
    store.upsert_clients(CLIENTS)
    for incident_versions in order or history():
        for version in incident_versions:
            store.upsert_incidents([version])


def link_downs(count: int) -> list[Incident]:
    """`count` more open P1s for beta on 16 Nov, a minute apart (a month with long lists)."""
    return [
        incident(100 + n, client_id="beta", title=f"Link down {n}", priority=Priority.P1,
                 created_at=at(16, 9) + timedelta(minutes=n), updated_at=at(16, 9))
        for n in range(count)
    ]  # fmt: skip


HOUR = 3600.0

#: November 2026 at NOW, by hand (see the comments above).
EXPECTED: dict[str, dict[str, Any]] = {
    "acme": {
        "opened": 3, "recurred": 1,
        "responded": 3, "response_s": 600 + 2700 + 300, "response_met": 2, "response_breached": 1,
        "resolved": 4, "resolution_s": 2 * HOUR + 6 * HOUR + 2 * HOUR + 124 * HOUR,
        "resolution_business_s": 2 * HOUR + 6 * HOUR + 2 * HOUR + 124 * HOUR,
        "resolution_business_n": 4, "resolution_met": 2, "resolution_breached": 2,
        "first_contact": 2, "escalated": 1, "reopened": 1,
    },
    "beta": {
        "opened": 3, "recurred": 1,
        "responded": 1, "response_s": HOUR, "response_met": 1, "response_breached": 1,
        "resolved": 1, "resolution_s": 90 * HOUR, "resolution_business_s": 14 * HOUR,
        "resolution_business_n": 1, "resolution_met": 1, "resolution_breached": 1,
        "first_contact": 1, "escalated": 0, "reopened": 0,
    },
}  # fmt: skip
