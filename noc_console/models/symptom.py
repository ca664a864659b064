"""What an incident is about, as text two incidents share when they are "the same thing".

Recurrence (docs/metrics.md) is the same client with the same symptom within 30 days.
Titles name the thing that broke and where ("VPN tunnel down at site 3", "Disk 95% full
on SQL02"); the numbers tell instances apart, not symptoms, so they are masked. The
category, when the source gives one, leads the key.
"""

from __future__ import annotations

import re

SYMPTOM_MAX = 200
_NUMBERS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")


def symptom(title: str, category: str = "") -> str:
    """`category: title` folded to lower case, numbers as `#`, spaces collapsed."""
    text = f"{category}: {title}" if category else title
    text = _SPACES.sub(" ", _NUMBERS.sub("#", text.casefold())).strip()
    return text[:SYMPTOM_MAX]
