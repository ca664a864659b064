"""The sources the team's active sync service runs, published for its consoles.

A team console runs no connectors and usually lists none in its file, yet some of its
work depends on what each source's PSA can do: a major incident's children are linked
natively only in a source whose connector type links tickets
(`ConnectorType.links_tickets`). The active `noc-console serve` writes its sources
(source name → connector type key) into `cache_meta` when it becomes active, beside
its heartbeat (services/team/status.py); a console reads them when it needs them, so a
service started later, or one with other sources taking over, is what counts.

The text is read as untrusted (another process wrote it): anything that is not a JSON
object of strings is no sources at all — no link, never a crash.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from noc_console.models.cache.store import Store
from noc_console.services.sources.config import ConnectorConfig

#: `cache_meta` key of the active service's sources.
SOURCES_KEY = "service_sources"


def publish(store: Store, connectors: Iterable[ConnectorConfig[Any]]) -> None:
    """Say which sources this (newly active) service runs, and of which type."""
    store.set_meta(SOURCES_KEY, json.dumps({c.name: c.type for c in connectors}))


def published(store: Store) -> dict[str, str]:
    """Source name → connector type key, as the active service last published them;
    empty when none did or what is there cannot be read."""
    try:
        data = json.loads(store.meta(SOURCES_KEY) or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
