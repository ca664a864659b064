"""Board cell texts; they live in `models/clock_text.py` so reports outside Qt share them."""

from __future__ import annotations

from noc_console.models.clock_text import OFF_HOURS, countdown, duration

__all__ = ["OFF_HOURS", "countdown", "duration"]
