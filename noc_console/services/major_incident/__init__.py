"""Major incidents without Qt: the `[major_incident]` settings, declaring one (the
record and its children's notes and native links), and the update cadence's clocks."""
