"""Connectors: one package per PSA/ITSM API, plus the built-in demo feed.

Vendor JSON goes in, normalised `Incident`s come out. The public surface is
`Connector`, `Page` and the exception tree in `errors`; vendor packages share
`http/`, `mapping/` and `records.py` and never import each other (import-linter).
"""

from noc_console.connectors.base import Connector, Page
from noc_console.connectors.demo.feed import DemoFeed

__all__ = ["Connector", "DemoFeed", "Page"]
