"""Connectors: one module per PSA/ITSM/alert API, plus the built-in demo feed.

Vendor JSON goes in, normalised `Incident`s come out. The public surface is
`Connector`, `Page` and the exception tree in `errors`; everything else is private
to its module.
"""

from noc_console.connectors.base import Connector, Page
from noc_console.connectors.demo.feed import DemoFeed

__all__ = ["Connector", "DemoFeed", "Page"]
