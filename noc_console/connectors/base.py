"""The interface every connector implements (see docs/connectors.md).

A connector is a plain object (no threads, no Qt): the sync engine calls it from a
worker thread of its own. It reads incidents changed since a watermark as pages of
normalised records, lists everything open for reconciliation, and writes triage
actions back.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from noc_console.models.actions import Action
from noc_console.models.incident import Client, Incident


@dataclass(frozen=True, slots=True)
class Page:
    """One page of incidents.

    `watermark` is the newest source change time the page covers: after storing the
    page, a later sync may resume from it. `skipped` lists source ids of records that
    could not be mapped (logged by the connector, left out of `incidents`); `problems`
    says why, one line per skipped record, for the status bar.
    """

    incidents: Sequence[Incident]
    watermark: datetime | None
    skipped: Sequence[str] = field(default_factory=tuple)
    problems: Sequence[str] = field(default_factory=tuple)


class NamedSource:
    """`name` and `label` as the `Connector` protocol wants them, for connectors given
    both when built (the label defaults to the name)."""

    def __init__(self, name: str, label: str = "") -> None:
        self._name = name
        self._label = label or name

    @property
    def name(self) -> str:
        return self._name

    @property
    def label(self) -> str:
        return self._label


class Connector(Protocol):
    """What the sync engine needs from a source system."""

    @property
    def name(self) -> str:
        """Unique, stable name; it is the `source` of every incident it yields."""
        ...

    @property
    def label(self) -> str:
        """What people call it ("Demo feed", "ConnectWise — Contoso MSP")."""
        ...

    def clients(self) -> Sequence[Client]:
        """The clients (companies, accounts) known to the source."""
        ...

    def fetch_changed(self, since: datetime | None) -> Iterator[Page]:
        """Pages of incidents changed at or after `since` (everything when None)."""
        ...

    def list_open(self) -> Iterator[Page]:
        """Pages of every open incident, for reconciliation: an incident open in the
        cache but absent here was closed or deleted in the source."""
        ...

    def apply(self, action: Action, retry: bool) -> str:
        """Write `action` back; return the incident's new version marker.

        `action.id` is the idempotency key. `retry` is True when an earlier attempt
        may have reached the source (the process died or the connection dropped
        mid-request): a connector whose API has no idempotency keys must then check
        whether the action already took effect before sending it again. Raises
        `ConnectorUnavailable` (and subclasses) for "try later", `Conflict`,
        `NotFound` or `ActionRejected` for "will never work as it is".
        """
        ...


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A mapping line a connection test suggests pasting: `line` belongs in the
    connector's `[connectors.mapping.<table>]`; a line starting with `#` is a
    placeholder the user must complete (the test could not tell the value)."""

    table: str  # status | status_out | priority | tier
    line: str


@dataclass(frozen=True, slots=True)
class Check:
    """One step of a connection test: `ok` is None when it could not be told.
    `suggestions` are the mapping lines that would fix what the step found."""

    step: str  # reachable | authenticated | can read incidents | can write | statuses | …
    ok: bool | None
    detail: str
    suggestions: tuple[Suggestion, ...] = ()
