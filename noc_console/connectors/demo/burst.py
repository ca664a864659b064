"""A scripted carrier outage in the demo: what correlation is for, on screen at once.

Twelve minutes before the demo opens, the carrier serving a business park in Oslo
fails and tickets arrive from four clients within eight minutes, worded as callers and
monitoring word them; a fifth client at the same site reports something else (Teams
calls), which correlation must leave apart.
"""

from __future__ import annotations

from datetime import timedelta

#: How long before the demo opens the outage starts.
BURST_BEFORE = timedelta(minutes=12)
#: (minutes after the start, client id, title, category, impact, urgency)
BURST: tuple[tuple[int, str, str, str, int, int], ...] = (
    (0, "northwind-bank", "Internet circuit down at Oslo", "Network", 1, 1),
    (1, "fabrikam", "No internet at Oslo office", "Network", 1, 2),
    (3, "contoso-legal", "Oslo branch offline - carrier circuit TN-88213", "Network", 1, 1),
    (4, "litware-health", "Teams calls dropping at Oslo", "Cloud", 2, 2),
    (5, "tailspin", "Carrier circuit TN-88213 down (Telia)", "Network", 1, 2),
    (8, "northwind-bank", "WAN link down on FW-OSL-01 at Oslo", "Network", 1, 1),
)
