"""The board's search box, read as a small query language (no Qt).

    northwind p1 tier:l2 status:waiting mine "disk full" client:"north wind"

- a free word matches rows whose id, client, title or assignee contain it (any case);
  a quoted phrase matches as one piece, spaces included;
- `p1` … `p4`: that priority; `tier:l1|l2|l3|eng`; `status:` the start of a status
  (`status:waiting` is waiting on the customer or on a vendor, `status:in_progress`,
  `status:new` …); `client:` a piece of the client's name or id; `mine`: assigned to
  the person at this console, by their account on the row's source (`[me]`);
- terms combine with AND; the same field given twice means either (`p1 p2`: P1 or P2);
- what the syntax does not know (`foo:bar`, `tier:l9`, `mine` with no user known) is
  searched as text, and `Search.notes` says so: the board shows the notes when nothing
  matches, so a typo is explained rather than silently empty. Quote a term to search
  for it as text (`"p1"`).

`parse` is pure and cheap (a keystroke parses the whole box again); `RowFilter` holds
the result and applies it in a pass per condition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from noc_console.models.incident import Priority, Status, Tier
from noc_console.services.identity import Identity

#: The prefixes the syntax knows, as the board's help names them.
FIELDS = ("client:", "tier:", "status:")
_TOKEN = re.compile(r'(?:[^\s":]+:)?"[^"]*(?:"|$)|\S+')
_PRIORITIES = {p.value.casefold(): p for p in Priority}
_TIERS = {t.value.casefold(): t for t in Tier}
_OPEN_STATUSES = tuple(s for s in Status if s.is_open)


@dataclass(frozen=True, slots=True)
class Search:
    """A parsed search: every non-empty condition must hold. Texts are case-folded."""

    words: tuple[str, ...] = ()  # each a piece of the row's id, client, title or assignee
    priorities: frozenset[Priority] = frozenset()
    tiers: frozenset[Tier] = frozenset()
    statuses: frozenset[Status] = frozenset()
    clients: tuple[str, ...] = ()  # any of these pieces of the client's name or id
    mine: Identity | None = None  # `mine`: assigned to this identity on the row's source
    notes: tuple[str, ...] = ()  # what was searched as text, and why

    @property
    def active(self) -> bool:
        return bool(
            self.words or self.priorities or self.tiers or self.statuses or self.clients
        ) or (self.mine is not None)


def parse(text: str, me: Identity | None = None) -> Search:
    """The search typed as `text`; `me` is who `mine` means (None: nobody known)."""
    words: list[str] = []
    priorities: set[Priority] = set()
    tiers: set[Tier] = set()
    statuses: set[Status] = set()
    clients: list[str] = []
    mine: Identity | None = None
    notes: list[str] = []
    for token in _TOKEN.findall(text.casefold()):
        field, colon, value = token.partition(":") if not token.startswith('"') else ("", "", "")
        if token.startswith('"'):
            _add(words, _unquoted(token))
        elif token in _PRIORITIES:
            priorities.add(_PRIORITIES[token])
        elif token == "mine":
            if me is not None and me.known:
                mine = me
            else:
                notes.append("mine: no user is known here, searched as text")
                _add(words, token)
        elif colon and f"{field}:" in FIELDS and _unquoted(value):
            value = _unquoted(value)
            if field == "client":
                clients.append(value)
            elif field == "tier" and value in _TIERS:
                tiers.add(_TIERS[value])
            elif field == "status" and (found := _statuses(value)):
                statuses.update(found)
            else:
                notes.append(f"{token}: {field} is one of {_choices(field)}; searched as text")
                _add(words, token)
        else:
            if colon and field and value and not field.isdigit():
                notes.append(
                    f"{token}: {field}: is not a search field ({', '.join(FIELDS)}); "
                    "searched as text"
                )
            _add(words, token)
    return Search(
        tuple(words),
        frozenset(priorities),
        frozenset(tiers),
        frozenset(statuses),
        tuple(clients),
        mine,
        tuple(notes),
    )


def _add(words: list[str], word: str) -> None:
    if word and word not in words:
        words.append(word)


def _unquoted(text: str) -> str:
    return text.strip('"').strip()


def _squeezed(text: str) -> str:
    return re.sub(r"[\s_\-]", "", text)


def _statuses(value: str) -> set[Status]:
    """The open statuses whose name starts with `value` (`waiting`, `in-progress`)."""
    start = _squeezed(value)
    return {s for s in _OPEN_STATUSES if _squeezed(s.value).startswith(start)}


def _choices(field: str) -> str:
    if field == "tier":
        return ", ".join(_TIERS)
    return ", ".join(s.value for s in _OPEN_STATUSES)
