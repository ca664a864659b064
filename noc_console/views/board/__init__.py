"""The board: its Qt model and delegate, controller, filters, detail panel, triage."""
