"""Zendesk Support over its API v2 (docs/zendesk.md): connector, records, probe."""
