"""One declaration per connector type: everything the console needs to know about it.

Each vendor package declares its `ConnectorType` in its own `declaration.py`, and
`connectors/registry.py` lists them; configuration loading, the factory, the
connection test, the settings dialog and the command line read that registry and
nothing else. A declaration is cheap to import: `build`, `probe` and `default_mapping`
import the vendor's connector module (and with it `requests`) only when called, so
the demo feed starts without either.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

from noc_console.connectors.base import Check, Connector
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.settings import ConnectorSettings
from noc_console.models.clock import Clock
from noc_console.models.priority import PriorityMatrix

S = TypeVar("S", bound=ConnectorSettings)
T = TypeVar("T")
#: A vendor's probe: the connection test's steps for a connector its type built.
ProbeFunction = Callable[[Any], Iterator[Check]]


class SecretKind(Enum):
    """What the keyring holds for a type (the settings dialog names it)."""

    NONE = ""
    TOKEN_OR_PASSWORD = "token or password"
    PRIVATE_KEY = "private key"
    PASSWORD = "API user's secret"
    CLIENT_SECRET = "client secret"


@dataclass(frozen=True, slots=True)
class Lazy(Generic[T]):
    """`name` in `module`, imported only when asked for: a vendor's connector and probe
    modules load `requests`. (tests/services/test_connector_registry.py resolves every
    registered type's references.)"""

    module: str
    name: str

    def __call__(self) -> T:
        found: T = getattr(importlib.import_module(self.module), self.name)
        return found


@dataclass(frozen=True, slots=True)
class Build(Generic[S]):
    """What a builder gets: one configured connector, its secret and the console's clock
    and priority matrix. `mapping` holds the overrides of the type's default mapping."""

    name: str
    label: str
    settings: S
    mapping: Mapping[str, Any]
    secret: str
    clock: Clock
    matrix: PriorityMatrix


@dataclass(frozen=True, slots=True)
class ConnectorType(Generic[S]):
    """A connector type: its config `type` key, its settings and how to build and test it.

    `required` names the settings that must not be empty; `max_page_size` is the vendor's
    largest page (0: the type does not page by size); `default_mapping` returns the
    mapping the type starts from (None: its records need none); `probe` returns the
    function that tests, step by step, a connector this type's `build` made — the
    connection check never hands it a stand-in such as `UnavailableConnector` (None: the
    check's generic steps). Both are usually `Lazy` references into the vendor's modules.
    `links_tickets`: the connector writes `ActionKind.LINK` (a major incident's children
    linked natively in the PSA; docs/major-incidents.md)."""

    key: str
    label: str
    settings: type[S]
    build: Callable[[Build[S]], Connector]
    required: tuple[str, ...] = ()
    secret: SecretKind = SecretKind.NONE
    max_page_size: int = 0
    default_mapping: Callable[[], FieldMapping] | None = None
    probe: Callable[[], ProbeFunction] | None = None
    links_tickets: bool = False

    @property
    def needs_secret(self) -> bool:
        return self.secret is not SecretKind.NONE

    def pages_of(self, page_size: int) -> int:
        """Records per page: as configured, else the vendor's maximum (fewest requests)."""
        return page_size or self.max_page_size or 100
