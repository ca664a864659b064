"""Exceptions of the connectors layer: the typed failures of fetch and write-back.

```
NocError
└── ConnectorError
    ├── ConnectorUnavailable      (also EnvironmentProblem) cannot reach or use it now
    │   ├── RateLimited           carries retry_after (seconds)
    │   └── AuthFailed            credentials refused: the user must act
    └── ActionRejected            the source refused this action; retrying won't help
        ├── NotFound
        └── Conflict              carries theirs: the source's values of the fields
```

`ConnectorUnavailable` (and subclasses) leave the cache as it was and are retried
with backoff; `ActionRejected` ends an action as failed or in conflict.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from noc_console.models.errors import EnvironmentProblem, NocError


class ConnectorError(NocError):
    """Base of everything a connector raises on purpose."""


class ConnectorUnavailable(ConnectorError, EnvironmentProblem):
    """The source cannot be reached or used right now (network, timeout, 5xx)."""


class RateLimited(ConnectorUnavailable):
    """The source asked us to slow down; `retry_after` is in seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuthFailed(ConnectorUnavailable):
    """Credentials were refused; retrying needs the user to fix them first."""


class ActionRejected(ConnectorError):
    """The source refused the action for good (validation, permissions)."""


class NotFound(ActionRejected):
    """The incident no longer exists in the source."""


class Conflict(ActionRejected):
    """The source changed a field this action changes since the user saw it."""

    def __init__(self, message: str, theirs: Mapping[str, Any], version: str = "") -> None:
        super().__init__(message)
        self.theirs = dict(theirs)
        self.version = version


def not_linked(source: str, why: str) -> ActionRejected:
    """The refusal of `ActionKind.LINK` by a connector whose PSA links no tickets. A
    declaration never queues one for it (its type's `links_tickets` is False), but an
    outbox may hold one queued under another configuration: it fails in one line, and
    the PSA is not asked."""
    return ActionRejected(f"{source}: not linked natively — {why}")
