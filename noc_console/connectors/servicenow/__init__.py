"""ServiceNow over its Table API (docs/servicenow.md): connector, records, OAuth, probe."""
