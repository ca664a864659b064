"""The wall display's GUI-free half: its settings, client scope, summary and rotation."""
