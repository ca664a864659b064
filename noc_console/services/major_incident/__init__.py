"""Major incidents without Qt: client updates from templates, close-out, the
post-incident review (docs/major-incidents.md)."""
