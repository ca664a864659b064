"""Which of the board's rows show: a search, chosen clients and a queue.

A filter is a value; `LiveRows` asks it for the verdicts of all its rows at once (a
mask, computed in a few tight passes: a keystroke over 10,000 rows is about a
millisecond of Python) whenever the filter or the rows change, and shows the rows it
lets through — no Qt proxy asks row by row. The search box's text is read by
`search_syntax.parse` (`p1 client:northwind "disk full"`) when the filter is made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import IncidentKey
from noc_console.services.board.search_syntax import Search, parse
from noc_console.services.identity import Identity

RowPredicate = Callable[[BoardRow], bool]


class Searchable(Protocol):
    """What a filter reads of a live row: the row, and its search text once worked out
    (kept on the row: a keystroke must not rebuild 10,000 texts)."""

    row: BoardRow
    haystack: str | None


@dataclass(frozen=True, slots=True)
class RowFilter:
    """`text`: the search as typed (case-folded), read as `search`; `me`: who `mine`
    means; `clients`: ids (empty: every client); `members`: a queue's counted
    incidents; `predicate`: a queue not counted yet. None and empty mean "no
    condition"."""

    text: str = ""
    clients: frozenset[str] = frozenset()
    members: frozenset[IncidentKey] | None = None
    predicate: RowPredicate | None = None
    me: Identity | None = None
    search: Search = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "search", parse(self.text, self.me))

    @property
    def active(self) -> bool:
        queued = self.members is not None or self.predicate is not None
        return self.search.active or bool(self.clients) or queued

    def mask(self, entries: Sequence[Searchable]) -> list[bool]:
        """Every entry's verdict, in order (a pass per condition, no call per row for
        the search, clients and members)."""
        search = self.search
        mask = [True] * len(entries) if not search.words else None
        if search.words:
            texts = [e.haystack if e.haystack is not None else search_text(e) for e in entries]
            for word in search.words:
                if mask is None:
                    mask = [word in text for text in texts]
                else:
                    mask = [m and word in text for m, text in zip(mask, texts, strict=True)]
        assert mask is not None
        if search.priorities:
            wanted = search.priorities
            mask = [m and e.row.priority in wanted for m, e in zip(mask, entries, strict=True)]
        if search.tiers:
            tiers = search.tiers
            mask = [m and e.row.tier in tiers for m, e in zip(mask, entries, strict=True)]
        if search.statuses:
            statuses = search.statuses
            mask = [m and e.row.status in statuses for m, e in zip(mask, entries, strict=True)]
        if search.clients:
            named = _client_names(entries, search.clients)
            mask = [m and named[e.row.client_id] for m, e in zip(mask, entries, strict=True)]
        if search.mine is not None:
            owns = search.mine.owns
            mask = [m and owns(e.row) for m, e in zip(mask, entries, strict=True)]
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


def _client_names(entries: Sequence[Searchable], pieces: Sequence[str]) -> dict[str, bool]:
    """Per client id: whether its id or name holds any of `pieces` (a few hundred
    clients, worked out once per filter rather than once per row)."""
    verdicts: dict[str, bool] = {}
    for entry in entries:
        row = entry.row
        if row.client_id not in verdicts:
            name = f"{row.client_id} {row.client_name}".casefold()
            verdicts[row.client_id] = any(piece in name for piece in pieces)
    return verdicts


def search_text(entry: Searchable) -> str:
    """What free words search in a row (`SOURCE:ID`, client, title, assignee),
    case-folded, kept with the row."""
    text = entry.haystack
    if text is None:
        row = entry.row
        text = f"{row.key} {row.client_name} {row.title} {row.assignee or ''}"
        text = entry.haystack = text.casefold()
    return text
