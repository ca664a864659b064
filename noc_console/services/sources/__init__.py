"""Where incidents come from: connector configuration, factory, connection check, connectivity."""
