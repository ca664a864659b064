"""Settings → Connectors: the list, the per-type form and the mapping editor."""
