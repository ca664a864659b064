"""NOC Console's own JSON-over-HTTP incident API (docs/connectors.md)."""
