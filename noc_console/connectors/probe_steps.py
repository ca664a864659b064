"""The first two steps of every connection test: reachable, then authenticated.

Every vendor's probe starts the same way: ask the server something cheap (is anything
answering at the configured address?), then make the first request that needs the
credentials. A refusal of who we are while reaching the server (an unknown company or
API user) still means it was reached. `first_steps` yields those `Check` lines and
hands back what the authenticated request read; each vendor's probe goes on with its
own steps from there.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TypeVar

from noc_console.connectors.base import Check
from noc_console.connectors.errors import AuthFailed, ConnectorError

T = TypeVar("T")


def first_steps(
    reach: Callable[[], str],
    answers_at: str,
    authenticate: Callable[[], tuple[T, str]],
    *,
    unsure: bool = False,
) -> Generator[Check, None, tuple[T] | None]:
    """`reach()` returns the "reachable" detail; an `AuthFailed` from it means the
    server answered but refused who we are (reachable: `answers_at`; not
    authenticated). `authenticate()` returns what it read and the "authenticated"
    detail; another failure than a refusal there is "could not tell" when `unsure`.
    Returns `(what authenticate read,)`, or None when a step failed (the probe stops)."""
    try:
        reached = reach()
    except AuthFailed as exc:
        yield Check("reachable", True, answers_at)
        yield Check("authenticated", False, str(exc))
        return None
    except ConnectorError as exc:
        yield Check("reachable", False, str(exc))
        return None
    yield Check("reachable", True, reached)
    try:
        found, detail = authenticate()
    except AuthFailed as exc:
        yield Check("authenticated", False, str(exc))
        return None
    except ConnectorError as exc:
        yield Check("authenticated", None if unsure else False, str(exc))
        return None
    yield Check("authenticated", True, detail)
    return (found,)
