"""Request Tracker 5 over its REST2 API (docs/connectors.md): connector, records, date literals,
probe.
"""
