"""ConnectWise PSA, Manage REST API 3.0 (docs/connectwise.md): connector, records, catalog,
session, probe.
"""
