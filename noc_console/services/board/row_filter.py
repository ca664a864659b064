"""Which of the board's rows show: a search text, chosen clients and a queue.

A filter is a value; `LiveRows` asks it for the verdicts of all its rows at once (a
mask, computed in a few tight passes: a keystroke over 10,000 rows is about a
millisecond of Python) whenever the filter or the rows change, and shows the rows it
lets through — no Qt proxy asks row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import IncidentKey

RowPredicate = Callable[[BoardRow], bool]


class Searchable(Protocol):
    """What a filter reads of a live row: the row, and its search text once worked out
    (kept on the row: a keystroke must not rebuild 10,000 texts)."""

    row: BoardRow
    haystack: str | None


@dataclass(frozen=True, slots=True)
class RowFilter:
    """`text`: case-folded, found in the id, client, title or assignee; `clients`: ids
    (empty: every client); `members`: a queue's counted incidents; `predicate`: a queue
    not counted yet. None and empty mean "no condition"."""

    text: str = ""
    clients: frozenset[str] = frozenset()
    members: frozenset[IncidentKey] | None = None
    predicate: RowPredicate | None = None

    @property
    def active(self) -> bool:
        queued = self.members is not None or self.predicate is not None
        return bool(self.text) or bool(self.clients) or queued

    def mask(self, entries: Sequence[Searchable]) -> list[bool]:
        """Every entry's verdict, in order (a pass per condition, no call per row for
        the text, clients and members)."""
        if self.text:
            needle = self.text
            texts = [e.haystack if e.haystack is not None else search_text(e) for e in entries]
            mask = [needle in text for text in texts]
        else:
            mask = [True] * len(entries)
        if self.clients:
            clients = self.clients
            mask = [m and e.row.client_id in clients for m, e in zip(mask, entries, strict=True)]
        if self.members is not None:
            members = self.members
            mask = [m and e.row.key in members for m, e in zip(mask, entries, strict=True)]
        if self.predicate is not None:
            matches = self.predicate
            mask = [m and matches(e.row) for m, e in zip(mask, entries, strict=True)]
        return mask


def search_text(entry: Searchable) -> str:
    """What the search box searches in a row, case-folded, kept with the row."""
    text = entry.haystack
    if text is None:
        row = entry.row
        text = f"{row.key.external_id} {row.client_name} {row.title} {row.assignee or ''}"
        text = entry.haystack = text.casefold()
    return text
