"""Jira Service Management Cloud (REST v3 + servicedeskapi; docs/jira-service-management.md)."""
