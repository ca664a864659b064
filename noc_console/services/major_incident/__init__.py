"""Major incidents without Qt: the `[major_incident]` settings, declaring one (the
record and its children's notes and native links), the update cadence's clocks, client
updates from templates, close-out and the post-incident review (docs/major-incidents.md)."""
