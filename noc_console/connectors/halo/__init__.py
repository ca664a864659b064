"""HaloPSA over its API v2 (docs/halo.md): connector, records, OAuth2 auth, probe."""
