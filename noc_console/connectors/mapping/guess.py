"""What a tenant's own name most likely means: "Waiting Customer" → waiting_customer,
"Priority 4 - Low" → P4, "NOC L2" → L2 — for the mapping lines `connectors test`
suggests.

Simple keyword rules on the name, and nothing cleverer: a name that matches no rule,
or rules that disagree ("Resolved - waiting customer confirmation", "Priority 1 - Low"),
gives None, and the test then leaves a placeholder for the user to fill in rather than
guessing wrong. For tiers an explicit level ("L2", "Level II", "2nd Line", "Tier 3")
outweighs a generic word ("NOC", "Escalations"), so "NOC L2" is L2.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

from noc_console.models.incident import Priority, Status, Tier

T = TypeVar("T")

WAITING = r"\b(wait|waiting|awaiting|pending|hold|stalled|with)\b"
FOR_VENDOR = r"\b(vendor|supplier|third party|3rd party|parts?|materials?|carrier|isp|rma)\b"
FOR_CUSTOMER = (
    r"\b(customer|client|user|requester|requestor|caller|reply|response|info|information"
    r"|approval|feedback|confirmation)\b"
)
STATUS_WORDS: tuple[tuple[Status, str], ...] = (
    (Status.CLOSED, r"\b(closed?|cancell?ed|cancel|rejected|void|merged|deleted|spam)\b"),
    (Status.RESOLVED, r"\b(resolved|complete|completed|fixed|done|solved)\b"),
    (Status.NEW, r"\b(new|unassigned|untriaged|received)\b"),
    (Status.ACKNOWLEDGED, r"\b(acknowledged?|ack|assigned|accepted)\b"),
    (Status.IN_PROGRESS, r"\b(in progress|progress|working|wip|dispatched|scheduled"
                         r"|investigating|escalated?|re ?opened|customer (updated|replied))\b"),
)  # fmt: skip
PRIORITY_NUMBER = r"(?:^|\b(?:p|priority|prio|sev|severity|level)\s*)([1-4])\b"
PRIORITY_WORDS: tuple[tuple[Priority, str], ...] = (
    (Priority.P1, r"\b(critical|emergency|urgent|outage|highest)\b"),
    (Priority.P2, r"\b(high|quick|important)\b"),
    (Priority.P3, r"\b(medium|normal|moderate|standard)\b"),
    (Priority.P4, r"\b(low|lowest|schedule|scheduled|maint|maintenance|planning|minor)\b"),
)
LEVELS = {"1": Tier.L1, "2": Tier.L2, "3": Tier.L3, "i": Tier.L1, "ii": Tier.L2,
          "iii": Tier.L3, "first": Tier.L1, "second": Tier.L2, "third": Tier.L3}  # fmt: skip
TIER_LEVELS = (
    r"\b(?:l|level|lvl|tier|line)\s*([1-3]|i{1,3})\b",
    r"\b([1-3])(?:st|nd|rd)\s*(?:line|level|tier)\b",
    r"\b(first|second|third)\s*(?:line|level|tier)\b",
)
TIER_WORDS: tuple[tuple[Tier, str], ...] = (
    (Tier.L1, r"\b(service ?desk|help ?desk|noc|triage|alerts?|monitoring|dispatch"
              r"|front ?line|portal)\b"),
    (Tier.L2, r"\b(escalations?|escalated)\b"),
    (Tier.ENG, r"\b(engineering|engineers?|development|devops|projects?)\b"),
)  # fmt: skip


def guess_status(name: str) -> Status | None:
    text = _words(name)
    found = {status for status, rule in STATUS_WORDS if re.search(rule, text)}
    if re.search(WAITING, text):
        if re.search(FOR_VENDOR, text):
            found.add(Status.WAITING_VENDOR)
        elif re.search(FOR_CUSTOMER, text):
            found.add(Status.WAITING_CUSTOMER)
    return _only(found)


def guess_priority(name: str) -> Priority | None:
    text = _words(name)
    numbers = {Priority(f"P{n}") for n in re.findall(PRIORITY_NUMBER, text)}
    words = {priority for priority, rule in PRIORITY_WORDS if re.search(rule, text)}
    return _only(numbers | words)


def guess_tier(name: str) -> Tier | None:
    text = _words(name)
    levels = {LEVELS[m] for rule in TIER_LEVELS for m in re.findall(rule, text)}
    if levels:
        return _only(levels)
    return _only({tier for tier, rule in TIER_WORDS if re.search(rule, text)})


def _words(name: str) -> str:
    """Lower case, punctuation as spaces: "Re-Opened" → "re opened"."""
    return " ".join(re.sub(r"[^\w]+", " ", name.casefold()).replace("_", " ").split())


def _only(found: Iterable[T]) -> T | None:
    """The one value all matching rules agree on; None when none or several."""
    values = set(found)
    return values.pop() if len(values) == 1 else None
