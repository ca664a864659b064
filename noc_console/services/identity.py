"""Who sits at this console: one name for people, one account per PSA for tickets.

A team shares one database, so "who did it" must be a person's name, not whichever OS
login happened to run the console, and "take" and "Mine" must speak each PSA's language:
RT knows its user names, ConnectWise its member identifiers, Autotask its resources,
Halo its agents — and one person is usually spelled differently in each.

- `name` is who I am to other people: the author of my triage actions, the lead who
  writes or acknowledges a handover, who acknowledged or snoozed an alarm.
- `on(source)` is who I am in that source's PSA: what "take" (and `act take`) assigns,
  and what "Mine" looks for in the row's assignee. It is spelled as the board shows
  that PSA's assignees; each connector turns it into the id its API wants.

The `[me]` table (`MeSettings`) declares both; `config_reader.py` reads it.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from dataclasses import dataclass, field

from noc_console.models.board_row import BoardRow

#: The longest name or account: the width of the author and acknowledged_by columns.
MAX_LENGTH = 200


def _text_problem(value: object) -> str | None:
    """Why `value` cannot be a name or an account (it is stored and shown as one line)."""
    if not isinstance(value, str):
        return f"must be a string, not {value!r}"
    if len(value) > MAX_LENGTH:
        return f"is {len(value)} characters long; at most {MAX_LENGTH}"
    if any(ch < " " or ch == "\x7f" for ch in value):
        return "must be one line of text (no tabs, newlines or control characters)"
    return None


def _account_problem(value: object) -> str | None:
    if isinstance(value, str) and not value.strip():
        return "is empty; give your user name in that PSA, or leave the line out"
    return _text_problem(value)


def _connector_name_problem(name: str) -> str | None:
    return None if name.strip() else "needs a connector's name"


@dataclass(frozen=True, slots=True, kw_only=True)
class MeSettings:
    """`[me]`: declared once; `Identity.configured` reads it."""

    name: str = field(
        default="",
        metadata={
            "doc": "Your name: the author of your triage actions, handovers and alarm "
            "acknowledgements, as your team sees it. Empty: your OS login name.",
            "check": _text_problem,
        },
    )
    identities: dict[str, str] = field(
        default_factory=dict,
        metadata={
            "doc": "Your account in each PSA, by connector name "
            '(`[me.identities]` `rt = "sam"`): what T / `act take` assigns and Mine '
            "matches. Spelled as the board shows that PSA's assignees (docs/team.md); a "
            "connector not listed uses `name`.",
            "keys": _connector_name_problem,
            "check": _account_problem,
        },
    )


def os_user() -> str:
    """The OS login name, or "" where there is none (a container without a passwd)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


@dataclass(frozen=True, slots=True)
class Identity:
    """Who I am: `name` to people, `accounts[source]` in each source's PSA."""

    name: str = ""
    accounts: Mapping[str, str] = field(default_factory=dict)

    def __hash__(self) -> int:  # a filter holding it is compared and hashed
        return hash((self.name, tuple(sorted(self.accounts.items()))))

    @classmethod
    def configured(cls, settings: MeSettings) -> Identity:
        name = settings.name.strip() or os_user()
        return cls(name, {source: a.strip() for source, a in settings.identities.items()})

    def on(self, source: str) -> str:
        """Who I am in `source`'s PSA: its account, else my name ("" if neither)."""
        return self.accounts.get(source, self.name)

    def owns(self, row: BoardRow) -> bool:
        """Whether `row` is assigned to me on its own source (any case: PSAs compare
        logins without case)."""
        me = self.on(row.key.source)
        return bool(me) and row.assignee is not None and row.assignee.casefold() == me.casefold()

    @property
    def known(self) -> bool:
        """Whether "mine" can mean anything here."""
        return bool(self.name) or any(self.accounts.values())
