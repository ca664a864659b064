"""Names the vendor fakes seed their tenants with, so the three fakes describe the same
kind of MSP (clients, technicians, alert summaries) in their own vendor's shapes.

Seeding is deterministic: each fake draws from `random.Random(seed)`, so a test that
seeds 50 tickets sees the same 50 tickets every run.
"""

from __future__ import annotations

COMPANIES = [
    ("AcmeCorp", "Acme Corp"), ("Globex", "Globex Corporation"), ("Initech", "Initech LLC"),
    ("Umbrella", "Umbrella Health"), ("Stark", "Stark Logistics"), ("Wayne", "Wayne Dental"),
    ("Hooli", "Hooli Legal"), ("Vandelay", "Vandelay Industries"),
]  # fmt: skip

MEMBERS = [
    ("asmith", "Alex Smith"), ("bjones", "Blair Jones"), ("cnguyen", "Chris Nguyen"),
    ("dpatel", "Dana Patel"), ("ekim", "Eli Kim"),
]  # fmt: skip

SUMMARIES = [
    "Server {n} offline", "Backup job failed on {n}", "Disk C: below 10% on {n}",
    "Firewall WAN link down at site {n}", "Printer queue stuck ({n})",
    "User cannot log in to VPN ({n})", "High CPU on SQL{n}", "Certificate expiring on {n}",
    "Switch port flapping ({n})", "Mailbox full for user {n}",
]  # fmt: skip
