"""Everything Qt: windows, item models, delegates, theme, and the worker bridge."""
