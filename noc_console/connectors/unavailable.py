"""A stand-in for a connector that cannot be built (no secret, no keyring).

It keeps its name and label so the board shows the source as offline with the reason,
and every call raises `AuthFailed` with that reason, so the other connectors sync on.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from noc_console.connectors.base import NamedSource, Page
from noc_console.connectors.errors import AuthFailed
from noc_console.models.actions import Action
from noc_console.models.incident import Client


class UnavailableConnector(NamedSource):
    def __init__(self, name: str, label: str, reason: str) -> None:
        super().__init__(name, label)
        self.reason = reason

    def clients(self) -> Sequence[Client]:
        raise AuthFailed(self.reason)

    def fetch_changed(self, since: datetime | None) -> Iterator[Page]:
        raise AuthFailed(self.reason)

    def list_open(self) -> Iterator[Page]:
        raise AuthFailed(self.reason)

    def apply(self, action: Action, retry: bool) -> str:
        raise AuthFailed(self.reason)
