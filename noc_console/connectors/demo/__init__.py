"""The built-in demo feed: a simulated MSP behind the real connector interface."""
