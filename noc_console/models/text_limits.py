"""Upper bounds on ticket text handed to anything that lays text out.

A PSA field is whatever someone typed into an email to a helpdesk. A 1 MB title kept
the handover's PDF busy for ten minutes, and Qt lays out a label's whole text even
when one line of it shows. Ingest truncates absurd fields, but the cache may hold
text stored before that, so the handover HTML, labels, the detail panel, tooltips
and notifications pass every PSA text through `capped` on its way to the screen or
the page; searches and the stored record keep the whole text.
"""

from __future__ import annotations

ELLIPSIS = "…"

#: One-line fields: title, client, id, assignee, a status or error line.
LINE = 500
#: Blocks of text: a description, a note, a link shown as text.
BLOCK = 10_000


def capped(text: str, limit: int = LINE) -> str:
    """`text` when it has at most `limit` characters, else its start and "…" (`limit`
    characters in all)."""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + ELLIPSIS
