"""Alembic migrations of the cache; applied at start-up by `noc_console.models.migrate`."""
