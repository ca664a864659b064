"""Autotask PSA over its REST API v1.0 (docs/autotask.md): connector, records, session, probe."""
