"""The interface every connector implements, documented for people who write one.

A connector is a plain object (no threads, no Qt): the sync service calls it from a
worker thread. It reads incidents changed since a watermark as pages of normalised
records; each page carries the watermark to resume from once it is stored.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from noc_console.models.incident import Client, Incident


@dataclass(frozen=True, slots=True)
class Page:
    """One page of changed incidents.

    `watermark` is the newest source change time the page covers: after storing the
    page, a later sync may resume from it. `skipped` lists source ids of records that
    could not be mapped (logged by the connector, left out of `incidents`).
    """

    incidents: Sequence[Incident]
    watermark: datetime | None
    skipped: Sequence[str] = field(default_factory=tuple)


class Connector(Protocol):
    """What the sync service needs from a source system."""

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
