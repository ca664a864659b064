"""Team mode without Qt: the `[team]` settings and the headless sync service (`serve`)."""
