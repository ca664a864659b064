"""A group's label in words a NOC uses: "Internet circuit down at Oslo".

Made from what most of its members say (their canonical objects, state and site), so
one user's odd wording does not name the event; when the members name no object we
know, the label is the first member's title.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from noc_console.services.correlation.signature import Signature

#: How each canonical object reads in a label, in the order a label names them.
OBJECT_WORDS = {
    "internet": "Internet", "circuit": "circuit", "vpn": "VPN", "email": "email",
    "m365": "Microsoft 365", "dns": "DNS", "phone": "phones", "wifi": "Wi-Fi",
    "backup": "backup", "firewall": "firewall", "switch": "switch", "server": "server",
    "storage": "storage", "web": "website", "certificate": "certificate", "azure": "cloud",
    "remote": "remote desktop", "rmm": "RMM", "erp": "business application", "power": "power",
    "printer": "printers", "laptop": "computers", "account": "accounts", "site": "site",
}  # fmt: skip
STATE_WORDS = {"down": "down", "degraded": "degraded", "threat": "threat"}
#: At most this many objects in a label.
MOST_OBJECTS = 2


def label_of(signatures: Sequence[Signature], titles: Sequence[str]) -> str:
    """The label of a group whose members have these signatures and titles."""
    half = len(signatures) / 2
    objects = _common((s.objects for s in signatures), half)
    if not objects:
        return titles[0]
    named = [word for key, word in OBJECT_WORDS.items() if key in objects][:MOST_OBJECTS]
    text = " ".join(named)
    text = text[0].upper() + text[1:]
    states = _common((s.states for s in signatures), 0)  # the most named first
    state = STATE_WORDS[states[0]] if states else "affected"
    sites = _common((s.sites for s in signatures), half)
    where = f" at {_place(sites)}" if sites else ""
    return f"{text} {state}{where}"


def _common(values: Iterable[frozenset[str]], more_than: float) -> list[str]:
    """The values named by more than `more_than` members, most named first; a tie in
    the values' own order (a set's order follows the process's string hash seed, and
    every console and wall correlates for itself: they must read the same label)."""
    counts: Counter[str] = Counter()
    for value in values:
        counts.update(value)
    return sorted((v for v, n in counts.items() if n > more_than), key=lambda v: (-counts[v], v))


def _place(sites: list[str]) -> str:
    return " ".join(part.capitalize() for part in sites[0].split())
