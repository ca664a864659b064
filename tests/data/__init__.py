"""Data files the tests read (kept as data, not code)."""
